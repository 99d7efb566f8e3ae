import { DESCRIPTOR, RecordDescriptor, type AnyRecord } from "../../src/records/descriptor.js";
import { Timestamp } from "../../src/records/timestamp.js";

// dissect-notes §4.5: the stream Python's flow.record writes for this record (223 bytes).
export const GOLDEN_HEX =
  "0000000fc40d5245434f524453545245414d0a00000068c7650e920292ab746573742f676f6c64656e9692a6737472696e67" +
  "a8686f73746e616d6592a86461746574696d65a2747392a6766172696e74a370696492a470617468a6736f7572636592ad6e" +
  "65742e697061646472657373a2697092a7626f6f6c65616ea26f6b0000005cc7590e92019292ab746573742f676f6c64656e" +
  "ce7542e4cf9aa26831d80e921097cd07e80102030405ce0001e2402a92ad2f7661722f6c6f672f77746d7000ce0a010203c3" +
  "a5612e746172c0c70c0e921097cd07e806010000000001";

export const GoldenDescriptor = new RecordDescriptor("test/golden", [
  { name: "hostname", type: "string" },
  { name: "ts", type: "datetime" },
  { name: "pid", type: "varint" },
  { name: "source", type: "path" },
  { name: "ip", type: "net.ipaddress" },
  { name: "ok", type: "boolean" },
]);

export function goldenRecord(): AnyRecord {
  return {
    [DESCRIPTOR]: GoldenDescriptor,
    hostname: "h1",
    ts: Timestamp.fromParts(2024, 1, 2, 3, 4, 5, 123456),
    pid: 42,
    source: "/var/log/wtmp",
    ip: "10.1.2.3",
    ok: true,
    _source: "a.tar",
    _classification: null,
    _generated: Timestamp.parse("2024-06-01T00:00:00Z"),
    _version: 1,
  };
}

