// The generated documentation files and what each is made from: the built-in registry, the loaders and the
// tools' declarations. `npm run docs` writes them (./generate.ts); test/docs/generated.test.ts checks them.
import { LOADERS } from "../../loaders/index.js";
import { defaultRegistry } from "../../plugins/index.js";
import { CLI_CONVENTIONS, CLI_SPECS } from "../cli/spec/index.js";
import { FunctionValueRecord } from "../plugin/value.js";
import { renderCliReference, renderRecordsReference } from "./reference.js";

export interface GeneratedDoc {
  /** Relative to the repository root. */
  readonly path: string;
  render(): string;
}

export const GENERATED_DOCS: readonly GeneratedDoc[] = [
  { path: "docs/records.md", render: () => renderRecordsReference(defaultRegistry, { valueRecord: FunctionValueRecord }) },
  { path: "docs/cli.md", render: () => renderCliReference(CLI_SPECS, LOADERS, CLI_CONVENTIONS) },
];
