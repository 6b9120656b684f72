#include "reconcile/config/file_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "reconcile/util/text.hpp"

namespace reconcile {

namespace {

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

std::string too_big(std::size_t size, std::size_t max_bytes) {
    return "file is " + format_size(size) + ", over the " + format_size(max_bytes) + " limit";
}

}  // namespace

std::expected<std::string, std::string> read_bounded_file(const std::filesystem::path& path, std::size_t max_bytes) {
    // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
    Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    if (fd.get() < 0) return std::unexpected("cannot read file: " + std::string(std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return std::unexpected("cannot read file: " + std::string(std::strerror(errno)));
    if (!S_ISREG(st.st_mode)) return std::unexpected("cannot read file: " + kind_of(st.st_mode) + ", not a regular file");
    const auto size = static_cast<std::size_t>(st.st_size);
    if (size > max_bytes) return std::unexpected(too_big(size, max_bytes));  // refused before reading
    std::string text(size, '\0');
    std::size_t got = 0;
    while (true) {
        if (got == text.size()) {
            if (text.size() > max_bytes) break;
            text.resize(std::min(text.size() + 4096, max_bytes + 1));  // it grew since fstat
        }
        ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::unexpected("cannot read file: " + std::string(std::strerror(errno)));
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    if (got > max_bytes) return std::unexpected(too_big(got, max_bytes));
    return text;
}

}  // namespace reconcile
