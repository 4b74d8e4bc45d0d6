// SPDX-License-Identifier: Apache-2.0
// The doctest main of the audio front-end test binary (tinyml_audio_tests).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "doctest_config.hpp"
