// Load pages into same-origin iframes of the current page, `parallel` at a time. A frame has the
// window's size and is laid out as a shown page is, but not painted (visibility: hidden). Each
// frame stays `lingerMs` after its load event, so that what its page does after load (a fetch, a
// timer) still runs, then it is removed. Progress is kept in `window.loadPages` for the caller to
// poll: per page, its HTTP status and the URLs of every resource it asked for (Resource Timing),
// so that the console errors Chromium logs can be traced to the pages that caused them.
"use strict";
const [urls, parallel, lingerMs] = arguments;
const progress = { report: [], loading: [], finished: false, error: null };
const lingering = [];
let next = 0;
window.loadPages = progress;

function loadNext() {
  if (next >= urls.length) { return Promise.resolve(); }
  const url = urls[next++];
  const frame = document.createElement("iframe");
  frame.style.cssText = "position: fixed; inset: 0; width: 100%; height: 100%; border: 0; visibility: hidden";
  const loaded = new Promise((resolve) => frame.addEventListener("load", resolve, { once: true }));
  progress.loading.push(url);
  frame.src = url;
  document.body.append(frame);
  return loaded.then(() => {
    lingering.push(new Promise((resolve) => setTimeout(() => {
      const performance = frame.contentWindow.performance;
      const [navigation] = performance.getEntriesByType("navigation");
      progress.report.push({
        url: url,
        status: navigation ? navigation.responseStatus : 0,
        resources: performance.getEntriesByType("resource").map((entry) => entry.name),
      });
      progress.loading.splice(progress.loading.indexOf(url), 1);
      frame.remove();
      resolve();
    }, lingerMs)));
    return loadNext();
  });
}

Promise.all(Array.from({ length: parallel }, loadNext))
  .then(() => Promise.all(lingering))
  .then(() => { progress.finished = true; }, (error) => { progress.error = String(error); });
