export function web01() { throw new Error("todo"); }
