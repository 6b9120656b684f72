#pragma once
// A repository in a fresh temporary directory, removed at the end of the test.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace reconcile::testing {

struct TempRepo {
    std::filesystem::path root;
    explicit TempRepo(const std::string& name) {
        root = std::filesystem::temp_directory_path() / ("reconcile-" + name + "-" + std::to_string(::getpid()));
        std::filesystem::remove_all(root);
        std::filesystem::create_directories(root);
    }
    ~TempRepo() { std::filesystem::remove_all(root); }
    TempRepo(const TempRepo&) = delete;
    TempRepo& operator=(const TempRepo&) = delete;

    std::filesystem::path write(const std::string& rel, const std::string& text) const {
        std::filesystem::path p = root / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }
};

}  // namespace reconcile::testing
