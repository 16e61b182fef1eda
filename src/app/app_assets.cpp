// app_assets.cpp — the digit lab's data files (digits.bin, digitnet.safetensors, digits-train.bin):
// embedded in the build or fetched on first need, parsed, kept in AppState. When both lab files are
// there, LabAssets::on_ready (set by app_init) lets the workspaces take them; nothing here calls up.
#include <memory>

#include "app_services.h"
#include "digit_bundle_model.h"
#include "digit_lab_model.h"
#include "embedded_assets.h"
#include "platform_api.h"

namespace cs::app {

std::shared_ptr<const DigitBundle> app_bundled_digits(AppState& state) { return state.bundled_digits; }

namespace {

// Both files are there: the status follows, then whoever set on_ready (app_init: the workspaces take
// them, the setState partials that waited are applied).
void lab_assets_settle(AppState& state) {
  LabAssets& A = state.lab_assets;
  if (!A.digits_done || !A.weights_done) return;  // the other file's callback comes here too
  A.status = LabAssets::Ready;
  A.error.clear();
  ++A.revision;
  if (A.on_ready) A.on_ready(state);
}

// One of the two files. `take` gets the state and the bytes (null when the build has none: nothing to
// wait for) and keeps what it can use.
template <class Take>
void load_lab_asset(AppState& state, const char* name, bool LabAssets::*done, Take take) {
  app_load_file(state, name, [name, done, take](AppState& state, const uint8_t* bytes, size_t size, const std::string& error) {
    LabAssets& A = state.lab_assets;
    if (!bytes && !error.empty()) {
      A.error = cs::fmt(tr(S::lab_assets_failed), name, error.c_str());
      A.status = LabAssets::Failed;  // stays so until a retry, even if the other file arrives
      app_notice(state, A.error);
      return;
    }
    take(state, bytes, size);
    A.*done = true;
    if (A.status == LabAssets::Loading) lab_assets_settle(state);
  });
}

}  // namespace

void app_load_file(AppState& state, const char* name, AppFileDone done) {
  if (EmbeddedAsset a = embedded_asset(name)) return done(state, a.data, a.size, "");
  AppState* live = state.live ? state.live : &state;
  if (!platform_fetch_file(name, [live, done](const uint8_t* bytes, size_t size, const std::string& error) { done(*live, bytes, size, error); }))
    done(state, nullptr, 0, "");  // no fetching here: the build has none
}

LabAssets::Status app_lab_assets(AppState& state, int request) {
  LabAssets& A = state.lab_assets;
  if (A.status == LabAssets::Ready || A.status == LabAssets::Loading) return A.status;
  // Idle: a build that embeds them has them at once (the desktop), without being asked. A property
  // of the build, looked up once (the lessons call this every frame).
  static const bool embedded = embedded_asset("digits.bin") || embedded_asset("digitnet.safetensors");
  if (A.status == LabAssets::Idle ? !(request >= 1 || embedded) : request < 2) return A.status;
  A.status = LabAssets::Loading;
  A.error.clear();
  if (!A.digits_done)
    load_lab_asset(state, "digits.bin", &LabAssets::digits_done, [](AppState& state, const uint8_t* bytes, size_t size) {
      if (!bytes) {
        state.bundled_digits_error = tr(S::notice_no_bundled_digits);
        return;
      }
      Result<DigitBundle> b = parse_digit_bundle(bytes, size);
      if (!b.is_ok()) {
        state.bundled_digits_error = b.message();
        app_notice(state, cs::fmt(tr(S::notice_digits_unreadable), b.message().c_str()));
        return;
      }
      state.bundled_digits = std::make_shared<const DigitBundle>(std::move(b.value()));
    });
  if (A.status == LabAssets::Loading && !A.weights_done)
    load_lab_asset(state, "digitnet.safetensors", &LabAssets::weights_done, [](AppState& state, const uint8_t* bytes, size_t size) {
      if (bytes) state.lab_assets.weights = std::make_shared<const std::vector<uint8_t>>(bytes, bytes + size);
    });
  if (A.status == LabAssets::Loading) lab_assets_settle(state);
  return A.status;
}

std::string app_lab_assets_message(const AppState& state) {
  const LabAssets& A = state.lab_assets;
  if (A.status == LabAssets::Ready) return "";
  if (A.status == LabAssets::Failed) return A.error;
  return tr(S::lab_loading_model);
}

bool app_training_digits(AppState& state, int request) {
  std::shared_ptr<const DigitBundle> digits = app_bundled_digits(state);
  if (!digits) return false;
  if (digits->train.count > 0) return true;
  if (request) state.training_digits_request = request;
  if (state.training_digits_fetch == 1 || (state.training_digits_fetch == 2 && !request)) return false;
  state.training_digits_fetch = 1;
  state.training_digits_error.clear();
  const char* name = "digits-train.bin";
  auto failed = [name](AppState& state, const std::string& why) {
    state.training_digits_fetch = 2;
    state.training_digits_request = 0;
    state.training_digits_error = cs::fmt(tr(S::notice_training_digits_failed), name, why.c_str());
    app_notice(state, state.training_digits_error);
  };
  app_load_file(state, name, [failed](AppState& state, const uint8_t* bytes, size_t size, const std::string& error) {
    // (No bytes and no error: an empty answer, or a build that cannot fetch, which the desktop is not:
    // it embeds the training digits in digits.bin.)
    if (!bytes || size == 0) return failed(state, error.empty() ? tr(S::notice_empty_answer) : error);
    Result<DigitBundle> b = parse_digit_bundle(bytes, size);
    if (!b.is_ok()) return failed(state, b.message());
    if (b.value().train.count == 0) return failed(state, tr(S::notice_no_training_set));
    if (!state.bundled_digits) return failed(state, tr(S::notice_no_bundled_digits));
    // A new bundle (the old one stays valid for whoever still holds it): the test digits and these.
    auto merged = std::make_shared<DigitBundle>(*state.bundled_digits);
    merged->train = std::move(b.value().train);
    state.bundled_digits = merged;
    if (state.lab.session) state.lab.session->use_digits(merged);
    state.training_digits_fetch = 0;
    state.training_digits_error.clear();
    if (state.training_digits_request) state.lab.request_train = state.training_digits_request;
    state.training_digits_request = 0;
  });
  return false;
}

}  // namespace cs::app
