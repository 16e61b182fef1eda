// a11y.js — the page's accessible side of the canvas (linked with --post-js after hook.js):
//   #cs-a11y  the screen-reader mirror: one <section> per visible panel with its title (<h2>), its
//             content as text in a polite live region, and buttons that press the app's own buttons
//             (cs_a11y_press), and text fields whose button sends "<id>=<text>" (a lesson's answer).
//             The app sends the text only when it changed (a11y_mirror.h's format: "S\tid\ttitle",
//             "L\ttext", "B\tid\tlabel", "I\tid\tlabel\tbutton" lines); unchanged sections are left
//             untouched so a screen reader announces only what changed.
//   Tab       leaves the canvas when the app does not use it (cs_a11y_wants_tab), so keyboard users
//             reach the mirror's buttons and the browser; Shift+Tab comes back.
//   ConvScope.a11y()  the mirror's text as the app builds it now, for tests.
(function () {
  if (typeof document === 'undefined') return;
  var root = document.getElementById('cs-a11y');
  var canvas = document.getElementById('canvas');
  if (!root || !canvas) return;
  var sections = {};  // id -> {el, title, lines, linesText, buttons, buttonsKey}

  function parse(text) {
    var out = [], cur = null;
    text.split('\n').forEach(function (row) {
      var f = row.split('\t');
      if (f[0] === 'S') out.push(cur = {id: f[1], title: f[2] || '', lines: [], buttons: [], inputs: []});
      else if (cur && f[0] === 'L') cur.lines.push(f.slice(1).join(' '));
      else if (cur && f[0] === 'B') cur.buttons.push({id: f[1], label: f[2] || f[1]});
      else if (cur && f[0] === 'I') cur.inputs.push({id: f[1], label: f[2] || f[1], button: f[3] || 'OK'});
    });
    return out;
  }

  function press(id) {
    var err = Module.ccall('cs_a11y_press', 'string', ['string'], [id]);
    if (err) console.warn('ConvScope mirror: ' + err);
  }

  function build(s) {
    var el = document.createElement('section');
    el.id = 'cs-a11y-' + s.id;
    var h = document.createElement(s.id === 'workspace' ? 'h1' : 'h2');
    h.id = el.id + '-title';
    el.setAttribute('aria-labelledby', h.id);
    var lines = document.createElement('div');
    lines.className = 'cs-a11y-lines';
    lines.setAttribute('aria-live', 'polite');
    var inputs = document.createElement('div');
    inputs.className = 'cs-a11y-inputs';
    var buttons = document.createElement('div');
    buttons.className = 'cs-a11y-buttons';
    el.appendChild(h); el.appendChild(lines); el.appendChild(inputs); el.appendChild(buttons);
    return {el: el, title: h, lines: lines, linesText: null, inputs: inputs, inputsKey: null, buttons: buttons, buttonsKey: null};
  }

  // A labelled text field and its button, in a form (Enter submits): sends "<id>=<text>".
  function buildInput(sectionId, f) {
    var form = document.createElement('form');
    var label = document.createElement('label');
    var input = document.createElement('input');
    input.type = 'text';
    input.id = 'cs-a11y-' + sectionId + '-' + f.id.replace(/[^a-z0-9-]/gi, '-');
    label.htmlFor = input.id;
    label.textContent = f.label;
    var button = document.createElement('button');
    button.type = 'submit';
    button.textContent = f.button;
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      press(f.id + '=' + input.value);
    });
    form.appendChild(label); form.appendChild(input); form.appendChild(button);
    return form;
  }

  Module.csA11yPublish = function (text) {
    var list = parse(text), seen = {};
    list.forEach(function (s, i) {
      var sec = sections[s.id] || (sections[s.id] = build(s));
      seen[s.id] = true;
      if (sec.title.textContent !== s.title) sec.title.textContent = s.title;
      var linesText = s.lines.join('\n');
      if (sec.linesText !== linesText) {  // only a changed section is rewritten (and announced)
        sec.linesText = linesText;
        sec.lines.textContent = '';
        s.lines.forEach(function (l) { var p = document.createElement('p'); p.textContent = l; sec.lines.appendChild(p); });
      }
      var inputsKey = JSON.stringify(s.inputs);
      if (sec.inputsKey !== inputsKey) {  // a new question: a new field (an unchanged one keeps what is typed)
        sec.inputs.textContent = '';
        s.inputs.forEach(function (f) { sec.inputs.appendChild(buildInput(s.id, f)); });
        sec.inputsKey = inputsKey;
      }
      var key = JSON.stringify(s.buttons);
      if (sec.buttonsKey !== key) {  // labels change (Play/Pause): keep the focused button's element
        var focusedId = document.activeElement && document.activeElement.dataset && document.activeElement.dataset.csId;
        var old = {};
        Array.prototype.forEach.call(sec.buttons.children, function (b) { old[b.dataset.csId] = b; });
        sec.buttons.textContent = '';
        s.buttons.forEach(function (b) {
          var el = old[b.id] || document.createElement('button');
          el.type = 'button';
          el.dataset.csId = b.id;
          if (el.textContent !== b.label) el.textContent = b.label;
          if (!old[b.id]) el.addEventListener('click', function () { press(b.id); });
          sec.buttons.appendChild(el);
        });
        sec.buttonsKey = key;
        if (focusedId && old[focusedId] && old[focusedId].parentNode) old[focusedId].focus();
      }
      if (root.children[i] !== sec.el) root.insertBefore(sec.el, root.children[i] || null);
    });
    Object.keys(sections).forEach(function (id) {
      if (!seen[id]) { sections[id].el.remove(); delete sections[id]; }
    });
  };

  // Tab out of the canvas: stopped before SDL's listener on the canvas sees it (a capture listener on
  // the window runs first), so the browser moves the focus as on any page.
  window.addEventListener('keydown', function (e) {
    if (e.key !== 'Tab' || e.target !== canvas || e.ctrlKey || e.altKey || e.metaKey) return;
    var wants = 1;  // before the app runs, SDL keeps the key as it always did
    try { wants = Module.ccall('cs_a11y_wants_tab', 'number', [], []); } catch (err) {}
    if (!wants) e.stopImmediatePropagation();
  }, true);

  // The language: the one chosen last time (localStorage), else on a first visit the browser's own when
  // the app has it; the app says which one it shows (platform_language_chosen) and the page follows.
  var KEY = 'convscope.language';
  Module.csLanguageChosen = function (code, name) {
    document.documentElement.lang = code;
    try { localStorage.setItem(KEY, name); } catch (e) {}
  };
  var startLanguage = function () {
    var name = null;
    try { name = localStorage.getItem(KEY); } catch (e) {}
    if (!name) {
      var byCode = {en: 'english', es: 'spanish', de: 'german', zh: 'chinese'};
      (navigator.languages || [navigator.language || '']).some(function (l) {
        name = byCode[String(l).toLowerCase().split('-')[0]] || null;
        return !!name;
      });
    }
    if (name && name !== 'english' && name !== 'pseudo')
      Module.ccall('cs_set_state', 'string', ['string'], [JSON.stringify({language: name})]);
  };
  if (window.ConvScope) window.ConvScope.ready.then(startLanguage);

  // prefers-reduced-motion, now and when it changes: the app then starts no animation by itself and
  // refreshes the digit lab's maps at most 3 times a second while training.
  if (window.matchMedia && window.ConvScope) {
    var motion = window.matchMedia('(prefers-reduced-motion: reduce)');
    var tell = function () {
      Module.ccall('cs_set_state', 'string', ['string'], [JSON.stringify({reduced_motion: motion.matches})]);
    };
    window.ConvScope.ready.then(function () {
      tell();
      if (motion.addEventListener) motion.addEventListener('change', tell);
    });
  }

  if (window.ConvScope) window.ConvScope.a11y = function () { return Module.ccall('cs_a11y_text', 'string', [], []); };
})();
