// dissect's unix/environmentvariable: a NAME=value a file sets (a crontab's environment lines, /etc/environment),
// one descriptor for every plugin that finds one.
import { defineRecord } from "quarry";

export const EnvironmentVariableRecord = defineRecord("unix/environmentvariable", {
  key: "string",
  value: "string",
  lineno: "varint",
  filepath: "path",
});
