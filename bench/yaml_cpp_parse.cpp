// Reference for the loader's speed: yaml-cpp parsing every file of a directory into its node
// tree (YAML::LoadAllFromFile), with no typing and no validation. Prints the time taken.
//
//   bench/yaml_cpp_parse DIR
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: yaml_cpp_parse DIR\n");
        return 2;
    }
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(argv[1]))
        if (e.is_regular_file()) files.push_back(e.path());
    const auto t0 = std::chrono::steady_clock::now();
    std::size_t docs = 0;
    for (const auto& f : files) docs += YAML::LoadAllFromFile(f.string()).size();
    const auto t1 = std::chrono::steady_clock::now();
    std::printf("yaml-cpp LoadAllFromFile: %zu files, %zu documents, %.3f s\n", files.size(), docs,
                std::chrono::duration<double>(t1 - t0).count());
}
