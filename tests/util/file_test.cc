#include "util/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace ptmo {
namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/ptmo_file_test_XXXXXX";
  return mkdtemp(tmpl);
}

TEST(File, MissingFileIsNotFoundAndNamesThePath) {
  auto r = ReadFile("/nonexistent/ptmo/x.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/ptmo/x.txt"), std::string::npos);
}

TEST(File, RefusesFilesAboveTheLimit) {
  std::string dir = TempDir();
  ASSERT_TRUE(WriteFileAtomic(dir + "/big", std::string(100, 'x')).ok());
  auto r = ReadFile(dir + "/big", 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(ReadFile(dir + "/big", 100).ok());
}

TEST(File, DirectoryIsRejected) {
  auto r = ReadFile("/tmp");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("directory"), std::string::npos);
}

TEST(File, AtomicWriteSetsTheModeAndReplacesContent) {
  std::string dir = TempDir();
  std::string path = dir + "/secret";
  ASSERT_TRUE(WriteFileAtomic(path, "one", 0600).ok());
  ASSERT_TRUE(WriteFileAtomic(path, "two", 0600).ok());
  EXPECT_EQ(*ReadFile(path), "two");
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(File, FailedAtomicWriteLeavesNoTemporaryFileAndKeepsTheTarget) {
  std::string dir = TempDir();
  std::string target = dir + "/occupied";
  ASSERT_EQ(mkdir(target.c_str(), 0700), 0);
  ASSERT_TRUE(WriteFileAtomic(target + "/inner", "old").ok());
  // Renaming a file over a non-empty directory fails; the directory must survive intact.
  Status s = WriteFileAtomic(target, "new");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(target), std::string::npos);
  EXPECT_EQ(*ReadFile(target + "/inner"), "old");
  int leftovers = 0;
  std::string cmd = "ls " + dir + " | grep -c tmp";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(fscanf(p, "%d", &leftovers), 1);
  pclose(p);
  EXPECT_EQ(leftovers, 0);
}

TEST(File, WriteIntoMissingDirectoryNamesThePath) {
  Status s = WriteFileAtomic("/nonexistent/ptmo/out.bin", "x");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/ptmo/out.bin"), std::string::npos);
}

}  // namespace
}  // namespace ptmo
