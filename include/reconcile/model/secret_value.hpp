#pragma once
// A value read from the environment through `${env:NAME}`. It can be compared and fingerprinted
// but never turns into text by accident: it has no conversion to string, no stream operator, and
// nothing that renders (plans, drift reports, messages, logs) ever receives one. The few places
// that need the value call reveal(): comparing with the live value, keyed fingerprints, and the
// request body apply sends.
#include <string>
#include <string_view>

namespace reconcile {

class SecretValue {
public:
    SecretValue() = default;
    explicit SecretValue(std::string value) : value_(std::move(value)) {}
    const std::string& reveal() const { return value_; }
    bool operator==(const SecretValue&) const = default;

private:
    std::string value_;
};

}  // namespace reconcile
