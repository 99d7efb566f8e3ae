export { Selector, compileSelector, IpNetwork, MISSING } from "./evaluate.js";
export { parseSelector, type Node, type CmpOp } from "./parser.js";
export { SelectorError, tokenize } from "./tokenizer.js";
