/**
 * Keys given more than once in the same JSON object, at any depth (`JSON.parse` silently keeps
 * the last one). Reported as dotted paths, e.g. `pipeline.trials`.
 */
export function duplicateKeys(json: string): string[] {
  const twice = new Set<string>();
  // One frame per open object/array: the keys seen, the path, and whether a key comes next.
  const stack: { seen: Set<string> | null; path: string; expectKey: boolean; lastKey: string }[] = [];
  for (let i = 0; i < json.length; i++) {
    const ch = json[i]!;
    const top = stack.at(-1);
    if (ch === '"') {
      let j = i + 1;
      while (j < json.length && json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      if (top?.seen && top.expectKey) {
        const key = JSON.parse(json.slice(i, j + 1)) as string;
        const path = top.path ? `${top.path}.${key}` : key;
        if (top.seen.has(key)) twice.add(path);
        top.seen.add(key);
        top.lastKey = key;
        top.expectKey = false;
      }
      i = j;
    } else if (ch === '{' || ch === '[') {
      const parentPath = top ? (top.seen ? (top.path ? `${top.path}.${top.lastKey}` : top.lastKey) : top.path) : '';
      stack.push({ seen: ch === '{' ? new Set() : null, path: parentPath, expectKey: ch === '{', lastKey: '' });
    } else if (ch === '}' || ch === ']') stack.pop();
    else if (ch === ',' && top?.seen) top.expectKey = true;
  }
  return [...twice];
}
