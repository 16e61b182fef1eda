// status.h — the engine's error channel. Engine functions that can fail on caller input return
// Status or Result<T> with a message that prints the offending values ("stride must be >= 1, got 0").
// The engine never throws across its API and never calls exit(): the wasm build has no exception
// support, and the UI must be able to show the message in words and keep running.
#pragma once
#include <cstdarg>
#include <cstdio>
#include <string>
#include <utility>

namespace cs {

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  static Status ok() { return Status(); }
  static Status error(std::string message) {
    Status s;
    s.ok_ = false;
    s.message_ = message.empty() ? std::string("unknown error") : std::move(message);
    return s;
  }
  bool is_ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const std::string& message() const { return message_; }

 private:
  bool ok_ = true;
  std::string message_;
};

// printf-style message builder for errors: cs::fmt("stride must be >= 1, got %d", s)
inline std::string fmt(const char* format, ...) __attribute__((format(printf, 1, 2)));
inline std::string fmt(const char* format, ...) {
  char small[512];
  va_list args;
  va_start(args, format);
  int n = std::vsnprintf(small, sizeof small, format, args);
  va_end(args);
  if (n < 0) return std::string(format);
  if (static_cast<size_t>(n) < sizeof small) return std::string(small, static_cast<size_t>(n));
  std::string big(static_cast<size_t>(n) + 1, '\0');
  va_start(args, format);
  std::vsnprintf(&big[0], big.size(), format, args);
  va_end(args);
  big.resize(static_cast<size_t>(n));
  return big;
}

// Result<T>: a value or an error Status. T must be default-constructible and movable.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}     // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.is_ok()) status_ = Status::error("Result built from an ok Status without a value");
  }
  bool is_ok() const { return status_.is_ok(); }
  explicit operator bool() const { return status_.is_ok(); }
  const Status& status() const { return status_; }
  const std::string& message() const { return status_.message(); }
  T& value() & { return value_; }
  const T& value() const& { return value_; }
  T&& value() && { return std::move(value_); }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }
  T& operator*() { return value_; }

 private:
  T value_{};
  Status status_;
};

}  // namespace cs

// Propagate a failed Status from an expression that yields Status.
#define CS_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::cs::Status cs_status_ = (expr);         \
    if (!cs_status_.is_ok()) return cs_status_; \
  } while (0)
