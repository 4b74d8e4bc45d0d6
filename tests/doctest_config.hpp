// SPDX-License-Identifier: Apache-2.0
// doctest with the library's -fno-exceptions build.
#pragma once
#define DOCTEST_CONFIG_NO_EXCEPTIONS_BUT_WITH_ALL_ASSERTS
#include <doctest/doctest.h>
