// The pages' one way to make an element: `el(tag, props, ...children)`. Properties are set as
// DOM properties, except `role` and `aria-*`, which are attributes; children are nodes or
// strings (arrays are spread, null and undefined skipped).
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "role" || key.startsWith("aria-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children.flat().filter((child) => child != null));
  return node;
}
