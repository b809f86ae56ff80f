// Installed before any page script runs (Playwright's add_init_script), on every page the
// benchmark loads. It records, against the navigation start (performance.now() == 0):
// - readyAt: when an element first got data-state="ready" (a widget is live; the floor page
//   marks its body);
// - letterInDom / letterFrame: when the letter body was first in the document, and the first
//   animation frame after it (the frame that paints it), with its text and whether it had a box;
// - longTasks: every main-thread task over 50 ms, as [start, duration];
// - inputs: when the page handled each input event.
(() => {
  const bench = {
    readyAt: null,
    letterInDom: null,
    letterFrame: null,
    letterText: null,
    letterRendered: null,
    longTasks: [],
    inputs: [],
  };
  window.__bench = bench;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: "longtask", buffered: true });
  addEventListener("input", () => bench.inputs.push(performance.now()), true);

  function watchLetter() {
    const body = document.querySelector('[data-role="body"]');
    if (!body) return;
    bench.letterInDom = performance.now();
    requestAnimationFrame(() => {
      bench.letterFrame = performance.now();
      bench.letterText = body.textContent;
      bench.letterRendered = body.getClientRects().length > 0;
    });
  }

  const observer = new MutationObserver(() => {
    if (bench.letterInDom === null) watchLetter();
    if (document.querySelector('[data-state="ready"]')) {
      bench.readyAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-state"],
  });
})();
