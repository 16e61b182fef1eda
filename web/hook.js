// hook.js — window.ConvScope, the JavaScript test hook (linked with --post-js). Tests drive the real
// canvas with mouse events at the rectangles panels() reports, and read the effects through state().
//   ConvScope.ready           Promise resolved after the first frames are drawn
//   ConvScope.panels()        {panelId: {x, y, width, height}} in CSS pixels, from ImGui item rects
//   ConvScope.items()         {itemId: {x, y, width, height}}: named widgets (buttons, cells) to click
//   ConvScope.state()         JSON-serialisable snapshot of the app state
//   ConvScope.setState(p)     merge a partial state; throws Error with the reason if it is rejected
(function () {
  var resolveReady;
  var ready = new Promise(function (resolve) { resolveReady = resolve; });
  Module.csReady = function () { resolveReady(); };
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
    setState: function (partial) {
      var err = json('cs_set_state', JSON.stringify(partial));
      if (err) throw new Error(err);
    },
  };
  if (typeof window !== 'undefined') window.ConvScope = api;
})();
