// hook.js — window.ConvScope, the JavaScript test hook (linked with --post-js). Tests drive the real
// canvas with mouse events at the rectangles panels() reports, and read the effects through state().
//   ConvScope.ready           Promise resolved after the first frames are drawn (and, when the page's
//                             link asked for the lab or a digit lesson, the digit model has arrived)
//   ConvScope.panels()        {panelId: {x, y, width, height}} in CSS pixels, from ImGui item rects
//   ConvScope.items()         {itemId: {x, y, width, height}}: named widgets (buttons, cells) to click
//   ConvScope.state()         JSON-serialisable snapshot of the app state
//   ConvScope.setState(p)     merge a partial state; throws Error with the reason if it is rejected
//                             (a Promise while the digit model is loading: see below)
//   ConvScope.openFile(file)  the same path as dropping a File on the page
//   ConvScope.lessons()       the guided lessons [{id, title, chapters, steps}] (a Promise while their
//                             files are fetched, on the first call)
//   ConvScope.openPhoto(file) the camera's path (phones/tablets: "Take a photo"); JPEGs opened or
//                             dropped take it too. A Promise settled once the photo is in (or refused)
(function () {
  var resolveReady;
  var ready = new Promise(function (resolve) { resolveReady = resolve; });
  // The digit model (bundled digits + DigitNet's weights) is fetched on first need; a link that opens
  // the lab or a digit lesson needs it at once, so ready also waits for it then (not on the default page).
  // A guided lesson asked for (a link, setState) waits for its file the same way.
  function modelLoading() {
    return Module.ccall('cs_lab_assets_status', 'number', [], []) === 1 || Module.ccall('cs_course_loading', 'number', [], []) === 1;
  }
  function afterModel() {
    return new Promise(function (resolve) {
      (function poll() { if (modelLoading()) setTimeout(poll, 10); else resolve(); })();
    });
  }
  Module.csReady = function () { afterModel().then(resolveReady); };
  function json(fn, arg) {
    var text = arg === undefined ? Module.ccall(fn, 'string', [], []) : Module.ccall(fn, 'string', ['string'], [arg]);
    return text;
  }
  var api = {
    ready: ready,
    panels: function () { return JSON.parse(json('cs_panels_json')); },
    items: function () { return JSON.parse(json('cs_items_json')); },
    frames: function () { return api.state().frame; },
    state: function () { return JSON.parse(json('cs_state_json')); },
    lessons: function () {
      var list = function () {
        var text = json('cs_course_lessons_json');
        if (!text) return null;
        var v = JSON.parse(text);
        if (v && v.error) throw new Error(v.error);
        return v;
      };
      var now = list();
      if (now) return now;
      return new Promise(function (resolve, reject) {
        (function poll() { try { var v = list(); if (v) resolve(v); else setTimeout(poll, 20); } catch (e) { reject(e); } })();
      });
    },
    // While the digit model (bundled digits + DigitNet's weights, fetched on first need) is loading,
    // e.g. because this partial opened the lab or asked for a digit lesson, the result is a Promise
    // settled when it has arrived or failed: the change is then on screen (state().lab_assets says how
    // it went). Otherwise it returns at once, as before.
    setState: function (partial) {
      var err = json('cs_set_state', JSON.stringify(partial));
      if (err) throw new Error(err);
      if (modelLoading()) return afterModel();
    },
  };
  // Files: dropped anywhere on the page, or chosen with File > Open (a hidden <input type=file>).
  // The bytes are copied into wasm memory; malloc returns 0 past the heap cap (ABORTING_MALLOC=0),
  // which becomes a notice instead of a dead page.
  function openFile(file) {
    file.arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      if (bytes.length >= 3 && bytes[0] === 0xFF && bytes[1] === 0xD8 && bytes[2] === 0xFF) return openPhoto(file);
      var ptr = bytes.length ? Module._malloc(bytes.length) : 0;
      if (bytes.length && !ptr) {
        Module.ccall('cs_notice', null, ['string'], ['Could not open ' + file.name + ': not enough memory for ' +
          Math.round(bytes.length / 1048576) + ' MiB; nothing was changed.']);
        return;
      }
      if (ptr) HEAPU8.set(bytes, ptr);
      Module.ccall('cs_open_file', null, ['string', 'number', 'number'], [file.name, ptr, bytes.length]);
      if (ptr) Module._free(ptr);
    });
  }
  api.openFile = openFile;
  api.openPhoto = openPhoto;
  if (typeof document !== 'undefined') {
    var input = document.createElement('input');
    input.type = 'file';
    input.accept = '.png,.jpg,.jpeg,.bmp,.safetensors,.json,image/png,image/jpeg,image/bmp,application/json';
    input.style.display = 'none';
    input.addEventListener('change', function () { if (input.files[0]) openFile(input.files[0]); input.value = ''; });
    document.body.appendChild(input);
    Module.csOpenFileDialog = function () { input.click(); };
    document.addEventListener('dragover', function (e) { e.preventDefault(); });
    document.addEventListener('drop', function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0]) openFile(e.dataTransfer.files[0]);
    });
  }
  // "Copy as PyTorch": SDL has no browser clipboard, so after a click or key press that made the app count
  // another copy (stepper.pytorch_copies, blocks.pytorch_copies), the page writes the line with the Clipboard API — still inside
  // the gesture's activation window, which the browser requires.
  if (typeof document !== 'undefined') {
    var copies = -1, scriptCopies = -1, blockCopies = -1;
    var checkCopy = function () {
      var items = api.items();
      // Neither copy button is on screen: nothing can have been clicked.
      if (!items['output-size.copy-pytorch'] && !items['blocks.copy'] && copies >= 0) return;
      requestAnimationFrame(function () { requestAnimationFrame(function () {
        var all = api.state(), st = all.stepper, blocks = all.blocks;
        var write = function (text) { if (navigator.clipboard) navigator.clipboard.writeText(text).catch(function () {}); };
        if (st) {
          if (copies >= 0 && st.pytorch_copies > copies) write(st.pytorch);
          if (scriptCopies >= 0 && st.pytorch_script_copies > scriptCopies) write(st.pytorch_script);
          copies = st.pytorch_copies;
          scriptCopies = st.pytorch_script_copies;
        }
        if (blocks) {
          if (blockCopies >= 0 && blocks.pytorch_copies > blockCopies) write(blocks.pytorch);
          blockCopies = blocks.pytorch_copies;
        }
      }); });
    };
    ready.then(checkCopy);
    document.addEventListener('pointerup', checkCopy);
    document.addEventListener('keyup', function (e) { if (e.key === 'Enter' || e.key === ' ') checkCopy(); });
  }
  // A clip of the page for a teacher's slides: the canvas as a WebM video (the browser's own
  // MediaRecorder, no library), downloaded when the time is up. Started by the app (Course menu).
  Module.csRecordClip = function (name, seconds) {
    var canvas = typeof document !== 'undefined' && document.getElementById('canvas');
    if (!canvas || !canvas.captureStream || typeof MediaRecorder === 'undefined') return 0;
    var type = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].filter(function (t) {
      return MediaRecorder.isTypeSupported(t);
    })[0];
    if (!type) return 0;
    var chunks = [];
    var rec = new MediaRecorder(canvas.captureStream(30), {mimeType: type});
    rec.ondataavailable = function (e) { if (e.data && e.data.size) chunks.push(e.data); };
    rec.onstop = function () {
      var a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob(chunks, {type: 'video/webm'}));
      a.download = name;
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    };
    rec.start(250);
    setTimeout(function () { rec.stop(); }, seconds * 1000);
    return 1;
  };
  // [Phones and tablets: the camera and big photos] ---------------------------------------------------
  // The engine reads only the photo's headers (size, EXIF orientation, whole or cut short: it refuses
  // in words) and answers the size to decode it to; the browser decodes it at that size and upright
  // (createImageBitmap: its own decoder, outside the wasm heap, which never shrinks again: a 48 MP photo
  // is 192 MB as RGBA there); the engine then gets the reduced pixels, at most 1600 px a side.
  function openPhoto(file) {
    var call = function (fn, types, args) { return Module.ccall(fn, 'number', types, args); };
    var refuse = function (why) { call('cs_photo_failed', ['string', 'string'], [file.name, why]); };
    return file.arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      var ptr = bytes.length ? Module._malloc(bytes.length) : 0;
      if (bytes.length && !ptr) return refuse('not enough memory for ' + Math.round(bytes.length / 1048576) + ' MiB');
      if (ptr) HEAPU8.set(bytes, ptr);
      var size = call('cs_photo_probe', ['string', 'number', 'number'], [file.name, ptr, bytes.length]);
      if (ptr) Module._free(ptr);
      bytes = buffer = null;
      if (!size) return;  // refused: the app's notice says why
      var w = Math.floor(size / 65536), h = size % 65536;
      return createImageBitmap(file, { imageOrientation: 'from-image', resizeWidth: w, resizeHeight: h, resizeQuality: 'high' })
        .then(function (bitmap) {
          var canvas = document.createElement('canvas');
          canvas.width = bitmap.width;
          canvas.height = bitmap.height;
          var g = canvas.getContext('2d');
          g.drawImage(bitmap, 0, 0);
          if (bitmap.close) bitmap.close();
          var rgba = g.getImageData(0, 0, canvas.width, canvas.height).data;
          var p = Module._malloc(rgba.length);
          if (!p) return refuse('not enough memory');
          HEAPU8.set(rgba, p);
          call('cs_photo_pixels', ['string', 'number', 'number', 'number'], [file.name, p, canvas.width, canvas.height]);
          Module._free(p);
        }, function (e) { refuse((e && e.message) || String(e)); });
    });
  }
  if (typeof document !== 'undefined') {
    var camera = document.createElement('input');
    camera.type = 'file';
    camera.accept = 'image/*';
    camera.setAttribute('capture', 'environment');  // phones open the back camera directly
    camera.style.display = 'none';
    camera.addEventListener('change', function () { if (camera.files[0]) openPhoto(camera.files[0]); camera.value = ''; });
    document.body.appendChild(camera);
    Module.csTakePhoto = function () { camera.click(); };
  }
  if (typeof window !== 'undefined') window.ConvScope = api;
})();
