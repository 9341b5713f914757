# Writes version_info.cpp from src/version_info.cpp.in; run at every build
# (cmake -P, by the target `version_info` in CMakeLists.txt), so the commit
# a local build reports is the one it was built from, not the one it was
# configured at. configure_file rewrites the file only when its text changes:
# the same commit recompiles nothing, a new one recompiles this one file.
#
# In:  SOURCE_DIR, OUTPUT, APP_VERSION, APP_BUILD_TIME, APP_COMMIT (empty: the
#      full git SHA with "-dirty" when app/ has changes, from
#      scripts/git-commit.sh, which scripts/container/build.sh tags images with;
#      the container build passes its GIT_SHA instead).
if(APP_COMMIT STREQUAL "")
  # scripts/git-commit.sh: the full SHA, as `make image` tags images (absent
  # from the image's build context, which passes its GIT_SHA instead).
  set(APP_COMMIT "unknown")
  set(helper "${SOURCE_DIR}/../scripts/git-commit.sh")
  if(EXISTS "${helper}")
    execute_process(COMMAND "${helper}" RESULT_VARIABLE rc
                    OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(rc EQUAL 0 AND NOT commit STREQUAL "")
      set(APP_COMMIT "${commit}")
    endif()
  endif()
endif()
configure_file("${SOURCE_DIR}/src/version_info.cpp.in" "${OUTPUT}" @ONLY)
