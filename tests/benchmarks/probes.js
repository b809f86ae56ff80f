// Installed before any page script runs (Playwright's add_init_script), on every page the
// benchmark loads. It records, against the navigation start (performance.now() == 0):
// - readyAt: when an element first got data-state="ready" (a widget is live; the floor page
//   marks its body);
// - workerCreated: when the page created its Python worker (worker.js);
// - letterInDom / letterFrame: when the letter body was first in the document, and the first
//   animation frame after it (the frame that paints it), with its text and whether it had a box;
// - longTasks: every main-thread task over 50 ms, as [start, duration];
// - inputs: when the page handled each input event.
(() => {
  const bench = {
    readyAt: null,
    workerCreated: null,
    letterInDom: null,
    letterFrame: null,
    letterText: null,
    letterRendered: null,
    longTasks: [],
    inputs: [],
  };
  window.__bench = bench;
  // On our pages as on the floor's, the Python worker's script is named worker.js.
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url, options) {
      super(url, options);
      if (bench.workerCreated === null && String(url).endsWith("/worker.js")) {
        bench.workerCreated = performance.now();
      }
    }
  };
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
