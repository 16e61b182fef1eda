// app_notice.cpp — the status line's one sentence (shown in the menu bar, read by state().notice).
#include "app_services.h"

namespace cs::app {

void app_notice(AppState& state, const std::string& message, double seconds) {
  state.notice = message;
  state.notice_until_s = state.time_s + seconds;
}

}  // namespace cs::app
