// split_loader.js — brings in convscope.deferred.wasm, the part of the hosted page's code that the first
// screen does not run (scripts/wasm_split.mjs chooses it; linked with --post-js after hook.js, hosted
// build only). Once the page is ready it is fetched and compiled in the background and instantiated
// against the primary module's exports, which puts its functions into the primary's table. A call into
// it before that (a link that opens the digit lab at once, say) reaches Emscripten's placeholder, which
// calls loadSplitModule below: the file is then read and compiled synchronously, the same result.
(function () {
  var file = 'convscope.deferred.wasm';
  var compiled = null, instantiated = false;
  // How the deferred code came in (for the first-load measurement, tests/web/budgets.mjs): 'background'
  // after ready, 'first call' (synchronously, when code ran into it before), or 'before main (cached)'
  // (a page the service worker answers), and when (performance.now()).
  var how = null, requestedAt = null, readyAt = null;
  function imports() { return { 'primary': Module['asm'] }; }
  function readSync() {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', locateFile(file), false);
    xhr.overrideMimeType('text/plain; charset=x-user-defined');  // bytes through a synchronous request
    xhr.send(null);
    if (xhr.status !== 200 && xhr.status !== 0) throw new Error('could not load ' + file + ' (HTTP ' + xhr.status + ')');
    var text = xhr.responseText, bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 255;
    return bytes;
  }
  // Emscripten's placeholder handler calls this, then the now-filled table slot.
  loadSplitModule = function () {
    if (instantiated) return;
    if (!compiled) {
      if (how === null) { how = 'first call'; requestedAt = performance.now(); }
      compiled = new WebAssembly.Module(readSync());
    }
    new WebAssembly.Instance(compiled, imports());
    instantiated = true;
  };
  // The file fetched (through the service worker when there is one) and compiled.
  function fetchCompiled() {
    return fetch(locateFile(file)).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.arrayBuffer();
    }).then(function (buffer) { return WebAssembly.compile(buffer); });
  }
  function loadInBackground() {
    readyAt = performance.now();
    if (instantiated || how !== null) return;
    how = 'background';
    requestedAt = readyAt;
    fetchCompiled().then(function (module) {
      if (instantiated) return;
      compiled = module;
      return WebAssembly.instantiate(module, imports()).then(function () { instantiated = true; });
    }).catch(function (e) {
      // Not fatal: the first call into the deferred code retries synchronously and reports then.
      console.warn('background load of ' + file + ' failed: ' + e);
    });
  }
  // A page the service worker answers (a repeat visit, or offline) reads the file from its cache, so
  // nothing counts against the first load: it is brought in before main runs. A synchronous request,
  // the fallback above, is not answered by the service worker and fails offline.
  function loadBeforeMain() {
    how = 'before main (cached)';
    requestedAt = performance.now();
    addRunDependency('deferred wasm');
    var done = function () { removeRunDependency('deferred wasm'); };
    fetchCompiled().then(function (module) {
      compiled = module;
      // The primary module's exports are its imports: wait for the primary's own instantiation.
      return new Promise(function (resolve) {
        (function wait() { if (Module['asm']) resolve(); else setTimeout(wait, 0); })();
      });
    }).then(function () {
      if (!instantiated) new WebAssembly.Instance(compiled, imports());
      instantiated = true;
    }).catch(function (e) {
      console.warn('early load of ' + file + ' failed: ' + e);
    }).then(done);
  }
  if (typeof navigator !== 'undefined' && navigator.serviceWorker && navigator.serviceWorker.controller) loadBeforeMain();
  window.ConvScope.ready.then(loadInBackground);
  window.ConvScope.deferred = function () {
    return { loaded: instantiated, how: how, requested_ms: requestedAt, ready_ms: readyAt };
  };
})();
