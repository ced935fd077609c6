#include "privacy/validators/ip.h"

#include <gtest/gtest.h>

namespace ptmo::privacy::validators {
namespace {

TEST(Ipv4, AcceptsDottedQuads) {
  EXPECT_TRUE(IsValidIpv4("192.168.0.1"));
  EXPECT_TRUE(IsValidIpv4("0.0.0.0"));
  EXPECT_TRUE(IsValidIpv4("255.255.255.255"));
  EXPECT_TRUE(IsValidIpv4("8.8.8.8"));
}

TEST(Ipv4, RejectsOutOfRangeOctets) {
  EXPECT_FALSE(IsValidIpv4("256.1.1.1"));
  EXPECT_FALSE(IsValidIpv4("999.1.1.1"));
  EXPECT_FALSE(IsValidIpv4("1.1.1.1000"));
}

TEST(Ipv4, RejectsLeadingZerosBecauseTheyMayBeOctal) {
  EXPECT_FALSE(IsValidIpv4("010.1.1.1"));
  EXPECT_FALSE(IsValidIpv4("1.1.1.01"));
}

TEST(Ipv4, RejectsWrongNumberOfOctetsAndStrayCharacters) {
  EXPECT_FALSE(IsValidIpv4("1.2.3"));
  EXPECT_FALSE(IsValidIpv4("1.2.3.4.5"));
  EXPECT_FALSE(IsValidIpv4("1..2.3"));
  EXPECT_FALSE(IsValidIpv4("1.2.3.4."));
  EXPECT_FALSE(IsValidIpv4(" 1.2.3.4"));
  EXPECT_FALSE(IsValidIpv4(""));
}

TEST(Ipv6, AcceptsFullAndCompressedForms) {
  EXPECT_TRUE(IsValidIpv6("2001:0db8:85a3:0000:0000:8a2e:0370:7334"));
  EXPECT_TRUE(IsValidIpv6("2001:db8:85a3::8a2e:370:7334"));
  EXPECT_TRUE(IsValidIpv6("::1"));
  EXPECT_TRUE(IsValidIpv6("::"));
  EXPECT_TRUE(IsValidIpv6("fe80::"));
  EXPECT_TRUE(IsValidIpv6("FE80::1"));
  EXPECT_TRUE(IsValidIpv6("1:2:3:4:5:6:7::"));
}

TEST(Ipv6, AcceptsEmbeddedIpv4) {
  EXPECT_TRUE(IsValidIpv6("::ffff:192.0.2.128"));
  EXPECT_TRUE(IsValidIpv6("64:ff9b::192.0.2.33"));
  EXPECT_TRUE(IsValidIpv6("1:2:3:4:5:6:1.2.3.4"));
  EXPECT_FALSE(IsValidIpv6("1:2:3:4:5:6:7:1.2.3.4"));  // nine groups' worth
  EXPECT_FALSE(IsValidIpv6("::ffff:256.0.2.128"));
  EXPECT_FALSE(IsValidIpv6("::1.2.3.4:5"));
}

TEST(Ipv6, RejectsMalformedAddresses) {
  EXPECT_FALSE(IsValidIpv6("1:2:3:4:5:6:7"));  // seven groups, no "::"
  EXPECT_FALSE(IsValidIpv6("1:2:3:4:5:6:7:8:9"));
  EXPECT_FALSE(IsValidIpv6("1::2::3"));            // two "::"
  EXPECT_FALSE(IsValidIpv6("1:2:3:4:5:6:7:8::"));  // "::" must stand for a group
  EXPECT_FALSE(IsValidIpv6("12345::1"));
  EXPECT_FALSE(IsValidIpv6("g::1"));
  EXPECT_FALSE(IsValidIpv6(":1:2:3:4:5:6:7"));
  EXPECT_FALSE(IsValidIpv6("1:2:3:4:5:6:7:"));
  EXPECT_FALSE(IsValidIpv6(":::1"));
  EXPECT_FALSE(IsValidIpv6("12:30:45"));           // a time of day
  EXPECT_FALSE(IsValidIpv6("00:1A:2B:3C:4D:5E"));  // a MAC address
  EXPECT_FALSE(IsValidIpv6("fe80::1%eth0"));
  EXPECT_FALSE(IsValidIpv6("1.2.3.4"));
}

}  // namespace
}  // namespace ptmo::privacy::validators
