// One shell line into words: POSIX-style quoting ('…', "…", backslash), `#` comments, and `> FILE` / `>> FILE`
// redirection of the command's output to a host file. No pipes, variables or globbing here: patterns are
// expanded inside the target by the commands themselves.

export interface ParsedLine {
  argv: string[];
  /** `> FILE` (append false) or `>> FILE`: where the output goes on the host. */
  redirect?: { path: string; append: boolean };
}

export class ParseError extends Error {
  override name = "ParseError";
}

interface Word {
  text: string;
  /** Was any part quoted (so `">"` is a word, not a redirection)? */
  quoted: boolean;
}

export function splitWords(line: string): Word[] {
  const words: Word[] = [];
  let cur: Word | null = null;
  const start = (): Word => (cur ??= { text: "", quoted: false });
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === " " || c === "\t") {
      if (cur) words.push(cur);
      cur = null;
    } else if (c === "#" && !cur) {
      break; // a comment, as a shell reads one at the start of a word
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ParseError("unterminated ' quote");
      const w = start();
      w.text += line.slice(i + 1, end);
      w.quoted = true;
      i = end;
    } else if (c === '"') {
      const w = start();
      w.quoted = true;
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\" && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) j++;
        w.text += line[j];
      }
      if (j >= line.length) throw new ParseError('unterminated " quote');
      i = j;
    } else if (c === "\\") {
      if (i + 1 >= line.length) throw new ParseError("a backslash ends the line");
      const w = start();
      w.text += line[++i];
      w.quoted = true;
    } else if (c === ">") {
      // an unquoted > ends the word before it, as in a shell (`ls>out`)
      if (cur) words.push(cur);
      cur = null;
      const append = line[i + 1] === ">";
      words.push({ text: append ? ">>" : ">", quoted: false });
      if (append) i++;
    } else if (c === "|" && !cur) {
      throw new ParseError("pipes are not supported: use > FILE to write a command's output to a host file");
    } else start().text += c;
  }
  if (cur) words.push(cur);
  return words;
}

export function parseLine(line: string): ParsedLine {
  const words = splitWords(line);
  const argv: string[] = [];
  let redirect: ParsedLine["redirect"];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.quoted && (w.text === ">" || w.text === ">>")) {
      const file = words[i + 1];
      if (!file || (!file.quoted && (file.text === ">" || file.text === ">>"))) throw new ParseError(`${w.text} needs a file name`);
      if (redirect) throw new ParseError("one redirection per command");
      redirect = { path: file.text, append: w.text === ">>" };
      i++;
    } else argv.push(w.text);
  }
  return redirect ? { argv, redirect } : { argv };
}
