#pragma once
// Reading a file someone else wrote: regular files only (a FIFO, a device or a directory is
// refused without blocking: the file is opened non-blocking and checked before any read), and
// never more than a size limit.
#include <cstddef>
#include <expected>
#include <filesystem>
#include <string>

namespace reconcile {

// The whole file, or why it cannot be read ("file is 5 MiB, over the 4 MiB limit", "not a
// regular file (a FIFO)", "cannot read file: Permission denied").
std::expected<std::string, std::string> read_bounded_file(const std::filesystem::path& path, std::size_t max_bytes);

}  // namespace reconcile
