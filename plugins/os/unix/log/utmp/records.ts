import { defineRecord, type RecordOf } from "quarry";
// Record descriptors of the utmp family and of the login analysis (issue 4). One field list for wtmp, btmp
// and utmp; ts_logout and ut_service are filled by wtmpdb only.

const LOGIN_FIELDS = {
  ts: "datetime",
  ut_type: "string",
  ut_user: "string",
  ut_pid: "varint",
  ut_line: "string",
  ut_id: "string",
  ut_host: "string",
  ut_addr: "net.ipaddress",
  ut_session: "varint",
  ut_exit_termination: "varint",
  ut_exit_status: "varint",
  ts_logout: "datetime",
  ut_service: "string",
  offset: "varint",
  filepath: "path",
} as const;

export const WtmpRecord = defineRecord("linux/log/wtmp", LOGIN_FIELDS);
export const BtmpRecord = defineRecord("linux/log/btmp", LOGIN_FIELDS);
export const UtmpRecord = defineRecord("linux/log/utmp", LOGIN_FIELDS);

export type LoginRecordDescriptor = typeof WtmpRecord;
export type LoginRecord = RecordOf<typeof WtmpRecord>;

export const SessionRecord = defineRecord("linux/log/wtmp/session", {
  user: "string",
  line: "string",
  id: "string",
  host: "string",
  addr: "net.ipaddress",
  pid: "varint",
  utmp_session: "varint",
  login: "datetime",
  logout: "datetime",
  end_reason: "string",
  duration: "float",
  filepath: "path",
});

export const UptimeRecord = defineRecord("linux/log/wtmp/uptime", {
  boot: "datetime",
  end: "datetime",
  end_reason: "string",
  kernel: "string",
  duration: "float",
  filepath: "path",
});

export const FailedLoginRecord = defineRecord("linux/log/btmp/failed_login", {
  ts: "datetime",
  user: "string",
  line: "string",
  host: "string",
  addr: "net.ipaddress",
  filepath: "path",
});

export const FailedLoginCountRecord = defineRecord("linux/log/btmp/failed_login_count", {
  by: "string",
  key: "string",
  count: "varint",
  first_seen: "datetime",
  last_seen: "datetime",
  // the btmp file counted, or null when the counts span several (rotated) files
  filepath: "path",
});

export const LiveUserRecord = defineRecord("linux/log/utmp/live_user", {
  user: "string",
  line: "string",
  id: "string",
  host: "string",
  addr: "net.ipaddress",
  pid: "varint",
  login: "datetime",
  filepath: "path",
});
