// app_link.cpp — the lesson link in the address bar (#lesson=...): opened on the first frame and when
// edited by hand (like setState), written back once the lesson has been still for a moment.
#include "app.h"
#include "app_rooms.h"
#include "course_player.h"
#include "platform_api.h"
#include "url_state_model.h"

namespace cs::app {

// What a link from the address bar did, in the status bar: opened, or refused with setState's reason
// inside the link's sentence (also when it had to wait for the digit model first).
void link_notice(AppState& state, const std::string& err) {
  if (err.empty()) return app_notice(state, tr(S::notice_link_opened));
  app_notice(state, cs::fmt(tr(S::notice_link_ignored), err.c_str()), 12.0);
}

const char* workspace_name(Workspace w) {
  return w == Workspace::Lessons ? "lessons" : w == Workspace::DigitLab ? "digit-lab" : "blocks";
}

namespace {

// A hash found in the address bar: applied like setState; refused ones leave the state as it was.
// One that needs the digit model while it is on its way is applied (and its notice shown) when it arrives.
void open_link(AppState& state, const std::string& hash) {
  const std::string rest = course_link_take(state, hash);  // a guided lesson's fields, opened there
  if (rest.empty()) return;
  LessonLinkParse p = lesson_link_decode(rest);
  const size_t waiting = state.lab_assets.deferred.size();
  std::string err = p.ok ? app_set_state(state, p.partial.dump()) : p.error;
  if (err.empty() && state.lab_assets.deferred.size() > waiting) {
    state.lab_assets.deferred.back().from_link = true;
    return;
  }
  link_notice(state, err);
}

}  // namespace

// Frame 1: the page's hash restores a shared lesson. Later, twice a second: a hash edited by hand is
// applied, and the current lesson is written back once it has been still for 0.3 s (replaceState,
// so the back button does not fill up with every step).
void sync_link(AppState& state) {
  if (!platform_is_browser()) return;
  LessonState& L = state.lessons;
  if (!L.link_started) {
    L.link_started = true;
    L.link_seen = platform_url_hash();
    if (!L.link_seen.empty() && L.link_seen != "#") open_link(state, L.link_seen);
    L.link_checked_s = state.time_s;
    return;
  }
  if (state.time_s - L.link_checked_s < 0.25) return;
  L.link_checked_s = state.time_s;
  std::string now = platform_url_hash();
  if (now != L.link_seen && now != "#" + L.link_written && !now.empty() && now != "#") {
    L.link_seen = now;
    open_link(state, now);
    L.link_written.clear();  // whatever happened, the address bar shows the lesson on screen again
  }
  // Re-encode only when the fingerprint changed: a large typed input takes milliseconds to write out.
  // A link to the digit lab carries the lab's fields too (gallery digit, saliency, SE block).
  const std::string lab = state.workspace == Workspace::DigitLab ? lab_link_fields(state.lab) : "";
  const std::string course = course_link_fields(state);  // the guided lesson's step, when one is open
  std::string key = lesson_link_key(L, workspace_name(state.workspace)) + lab + course;
  if (key != L.link_key) {
    L.link_key = std::move(key);
    L.link_pending = lesson_link_encode(L, workspace_name(state.workspace), &L.link_values) + lab + course;
    L.link_pending_since = state.time_s;
  } else if (L.link_pending != L.link_written && state.time_s - L.link_pending_since >= 0.3) {
    platform_set_url_hash(L.link_pending);
    L.link_written = L.link_pending;
    L.link_seen = "#" + L.link_written;
  }
}

}  // namespace cs::app
