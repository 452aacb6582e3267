// Contrast of every visible piece of text on the page against what is behind it (WCAG 2 relative luminance).
// HTML text: computed `color` on the nearest opaque `background-color` of its ancestors (translucent layers
// blended). SVG text: computed `fill` on the fill of the node box it sits on. Evaluates to a report.
(() => {
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c || "");
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const background = (el) => {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let base = [255, 255, 255, 1];
    for (const layer of layers.reverse()) base = over(layer, base);
    return base;
  };
  const failures = [];
  let checked = 0, min = Infinity;
  for (const el of document.querySelectorAll("body *")) {
    if (["SCRIPT", "STYLE", "title", "TITLE", "defs", "marker"].includes(el.tagName)) continue;
    const own = [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim()).map((n) => n.textContent.trim()).join(" ");
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none" || el.closest("title")) continue;
    const isSVG = el instanceof SVGElement;
    let bg = background(el);
    if (isSVG) {
      const box = el.parentNode && el.parentNode.querySelector && el.parentNode.querySelector(":scope > rect.box");
      if (box) bg = over(parse(getComputedStyle(box).fill) || [0, 0, 0, 0], bg);
    }
    const fg = over(parse(isSVG ? style.fill : style.color), bg);
    const r = ratio(fg, bg);
    checked += 1;
    min = Math.min(min, r);
    if (r < 4.5) failures.push({ text: own.slice(0, 40), ratio: Math.round(r * 100) / 100, fg: fg.slice(0, 3), bg: bg.slice(0, 3) });
  }
  return { checked, min: Math.round(min * 100) / 100, failures: failures.slice(0, 10),
           dark: matchMedia("(prefers-color-scheme: dark)").matches, body: getComputedStyle(document.body).backgroundColor };
})()
