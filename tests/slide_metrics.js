// Measure the current reveal.js slide as a room sees it, in slide units (1280 x 800 here).
// Content = every line of text and every image (KaTeX's hidden MathML and the speaker notes
// excluded). Returns {title, overflow, height, cut, below, images}: how far content reaches
// past the slide's edges, text lines hidden by a box that clips or scrolls them, code cells
// wholly below the screen, and every plot's displayed size against its own size and font.
() => {
  const slide = Reveal.getCurrentSlide();
  const box = document.querySelector(".reveal .slides").getBoundingClientRect();
  const scale = Reveal.getScale();
  const W = Reveal.getConfig().width, H = Reveal.getConfig().height;
  const hidden = (el) => el.closest("aside.notes, .katex-mathml, details:not([open]) > :not(summary)");
  const rel = (r) => ({
    top: (r.top - box.top) / scale, bottom: (r.bottom - box.top) / scale,
    left: (r.left - box.left) / scale, right: (r.right - box.left) / scale,
  });
  const clippers = (el) => {
    const found = [];
    for (let a = el.parentElement; a && a !== slide.parentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== "visible" || s.overflowY !== "visible") found.push(a);
    }
    return found;
  };
  let bottom = 0, right = 0, top = 0, left = 0;
  const cut = [];
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || hidden(node.parentElement)) continue;
    range.selectNodeContents(node);
    const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
    if (!rects.length) continue;
    for (const r of rects) {
      const q = rel(r);
      bottom = Math.max(bottom, q.bottom); right = Math.max(right, q.right);
      top = Math.min(top, q.top); left = Math.min(left, q.left);
      for (const c of clippers(node.parentElement)) {
        const k = c.getBoundingClientRect();
        if (r.right > k.right + 1 || r.bottom > k.bottom + 1 || r.left < k.left - 1 || r.top < k.top - 1) {
          cut.push(node.textContent.trim().slice(0, 40) + " (in " + c.tagName.toLowerCase() + "."
                   + String(c.className).split(" ")[0] + ")");
          break;
        }
      }
    }
  }
  const images = [];
  for (const img of slide.querySelectorAll("img")) {
    const r = img.getBoundingClientRect();
    if (!r.width || hidden(img)) continue;
    const q = rel(r);
    bottom = Math.max(bottom, q.bottom); right = Math.max(right, q.right);
    images.push({
      natural: [img.naturalWidth, img.naturalHeight],
      shown: [Math.round(r.width / scale), Math.round(r.height / scale)],
      fontPx: img.dataset.fontPx ? parseFloat(img.dataset.fontPx) : null,
      figures: img.dataset.figures || "committed",
    });
  }
  const scrolls = slide.scrollHeight > slide.clientHeight + 1 && getComputedStyle(slide).overflowY !== "visible";
  const below = Array.from(slide.querySelectorAll(".jp-CodeCell"))
    .filter((c) => c.getBoundingClientRect().height && rel(c.getBoundingClientRect()).top >= H).length;
  const heading = slide.querySelector("h1, h2, h3, h4, .course-continued");
  return {
    title: heading ? heading.textContent.replace("¶", "").trim().slice(0, 60) : "(no heading)",
    overflow: Math.max(bottom - H, right - W, -top, -left, scrolls ? 1 : 0),
    height: bottom / H,
    cut: Array.from(new Set(cut)), below, images,
  };
}
