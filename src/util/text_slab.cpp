#include "reconcile/util/text_slab.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace reconcile {

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

// A block of `size` bytes. A whole number of huge pages is mapped on its own, aligned to them
// and advised as such (a hint: without transparent huge pages it is ordinary memory); the
// heap's own large blocks are not aligned, so the system could not map them with huge pages.
std::shared_ptr<std::byte> new_block(std::size_t size) {
    if (size % kHugePage == 0) {
        const std::size_t span = size + kHugePage;
        void* mapped = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mapped != MAP_FAILED) {
            auto* base = static_cast<std::byte*>(mapped);
            const auto address = reinterpret_cast<std::uintptr_t>(base);
            const std::size_t lead = (kHugePage - address % kHugePage) % kHugePage;
            if (lead) ::munmap(base, lead);
            if (kHugePage - lead) ::munmap(base + lead + size, kHugePage - lead);
            std::byte* block = base + lead;
#ifdef MADV_HUGEPAGE
            ::madvise(block, size, MADV_HUGEPAGE);
#endif
            return std::shared_ptr<std::byte>(block, [size](std::byte* b) { ::munmap(b, size); });
        }
    }
    void* p = std::malloc(size);
    if (!p) throw std::bad_alloc();
    return std::shared_ptr<std::byte>(static_cast<std::byte*>(p), [](std::byte* b) { std::free(b); });
}

}  // namespace

SlabText TextSlab::store(std::string_view text) {
    if (text.empty()) return {};
    if (text.size() > kHugePage / 4) {
        auto own = new_block(text.size());
        std::memcpy(own.get(), text.data(), text.size());
        const auto* data = reinterpret_cast<const char*>(own.get());
        return {std::move(own), std::string_view(data, text.size())};
    }
    if (!block_ || size_ - used_ < text.size()) {
        size_ = kHugePage;
        block_ = new_block(size_);
        used_ = 0;
    }
    char* at = reinterpret_cast<char*>(block_.get()) + used_;
    std::memcpy(at, text.data(), text.size());
    used_ += text.size();
    return {block_, std::string_view(at, text.size())};
}

}  // namespace reconcile
