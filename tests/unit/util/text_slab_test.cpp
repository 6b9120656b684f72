#include <doctest/doctest.h>

#include "reconcile/util/text_slab.hpp"

#include <string>
#include <vector>

namespace reconcile {

TEST_CASE("TextSlab: texts share a block, outlive the slab, and a large text gets its own block") {
    std::vector<SlabText> kept;
    std::vector<std::string> originals;
    {
        TextSlab slab;
        for (int i = 0; i < 5000; ++i) {
            originals.push_back(std::string(static_cast<std::size_t>(100 + i % 900), static_cast<char>('a' + i % 26)) +
                                std::to_string(i));
            kept.push_back(slab.store(originals.back()));
        }
        // The first texts share one block; 5000 texts of ~600 bytes need more than one 2 MB block.
        CHECK(kept[0].block == kept[1].block);
        CHECK(kept.front().block != kept.back().block);
        const std::string big(std::size_t{1} << 20, 'x');
        auto own = slab.store(big);
        CHECK(own.text == big);
        CHECK(own.block != kept.back().block);
        // The next small text still goes into the current shared block.
        auto after = slab.store("after");
        CHECK(after.block == kept.back().block);
        CHECK(slab.store("").text.empty());
    }
    // The slab is gone; every text is intact in its block.
    for (std::size_t i = 0; i < kept.size(); ++i) REQUIRE(kept[i].text == originals[i]);
    // A copy keeps the block alive on its own.
    SlabText copy = kept[5];
    kept.clear();
    CHECK(copy.text == originals[5]);
}

}  // namespace reconcile
