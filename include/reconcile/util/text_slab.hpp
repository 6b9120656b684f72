#pragma once
// Texts kept for a long time, copied into large shared blocks instead of one heap allocation
// each. A listing keeps 12.6 MB of agent texts per 1,000 large agents: as one allocation per
// text, each 4 KB page of it is a page fault when first written, which on a virtual machine
// costs 10 to 15 microseconds; blocks of 2 MB are asked for as transparent huge pages, where
// the system allows it on request (madvise), so that one fault maps 2 MB.
#include <cstddef>
#include <memory>
#include <string_view>

namespace reconcile {

// A text and the block that keeps it alive: copies share the block.
struct SlabText {
    std::shared_ptr<const void> block;
    std::string_view text;
};

// Not thread-safe: one per thread (the texts it hands out may go anywhere).
class TextSlab {
public:
    // Copies `text` into the current block, or into a new 2 MB one when it does not fit (with
    // huge pages, a thread's first text makes 2 MB resident); a text larger than a quarter of
    // a block gets a block of its own size.
    SlabText store(std::string_view text);

private:
    std::shared_ptr<std::byte> block_;
    std::size_t size_ = 0;
    std::size_t used_ = 0;
};

}  // namespace reconcile
