/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * An independent SRTP/SRTCP for the tests, written from RFC 3711 over
 * OpenSSL's AES-128-CTR and HMAC-SHA1: key derivation (§4.3.1, kdr 0),
 * AES-CM (§4.1.1), the SRTP and SRTCP packet layouts (§3.1, §3.4). It
 * checks what libsrtp produces through our wrapper without sharing code
 * with it. Plain cases only: no MKI, no header extension encryption.
 */
#ifndef VG_SRTP_REF_H
#define VG_SRTP_REF_H

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace srtpref
{

using bytes = std::vector<uint8_t>;

inline bytes
unhex(const std::string &hex)
{
	bytes out;

	for (size_t i = 0; i + 1 < hex.size(); i += 2)
		out.push_back((uint8_t)std::stoul(
				hex.substr(i, 2), nullptr, 16));
	return out;
}

inline std::string
hex(const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	std::string s;

	for (size_t i = 0; i < n; i++) {
		s += digits[p[i] >> 4];
		s += digits[p[i] & 15];
	}
	return s;
}

inline std::string
hex(const bytes &b)
{
	return hex(b.data(), b.size());
}

/*
 * AES-128 in counter mode from a 128-bit initial counter block. OpenSSL
 * increments the whole block, SRTP's AES-CM its low 16 bits (§4.1.1):
 * the same for fewer than 2^16 blocks from a counter whose low 16 bits
 * are zero, which holds for every IV below.
 */
inline bytes
aes_ctr(const uint8_t key[16], const uint8_t iv[16], const bytes &in)
{
	bytes out(in.size());
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0;

	EXPECT_NE(c, nullptr);
	EXPECT_EQ(1,
			EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), nullptr, key,
					iv));
	if (!in.empty()) {
		EXPECT_EQ(1,
				EVP_EncryptUpdate(c, out.data(), &n, in.data(),
						(int)in.size()));
	}
	EXPECT_EQ(1, EVP_EncryptFinal_ex(c, out.data() + n, &fin));
	EXPECT_EQ((size_t)(n + fin), in.size());
	EVP_CIPHER_CTX_free(c);
	return out;
}

/* §4.3.1 with kdr = 0: x = label << 48 XOR master salt, keystream of
 * AES-CM(master key, x * 2^16) */
inline bytes
kdf(const bytes &master, uint8_t label, size_t n)
{
	uint8_t iv[16] = {0};

	memcpy(iv, master.data() + 16, 14);
	iv[7] ^= label;
	return aes_ctr(master.data(), iv, bytes(n, 0));
}

struct keys {
	bytes cipher, auth, salt;
};

/* §4.3.2: labels 0..2 for SRTP, 3..5 for SRTCP */
inline keys
derive(const bytes &master, bool rtcp)
{
	uint8_t base = rtcp ? 3 : 0;

	return {kdf(master, base, 16), kdf(master, base + 1, 20),
			kdf(master, base + 2, 14)};
}

/* §4.1.1: IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16) */
inline void
iv_of(const keys &k, const uint8_t ssrc[4], uint64_t index, uint8_t iv[16])
{
	memset(iv, 0, 16);
	memcpy(iv, k.salt.data(), 14);
	for (int i = 0; i < 4; i++)
		iv[4 + i] ^= ssrc[i];
	for (int i = 0; i < 6; i++)
		iv[8 + i] ^= (uint8_t)(index >> (40 - 8 * i));
}

inline bytes
hmac_sha1(const bytes &key, const bytes &msg, size_t tag_len)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	EXPECT_NE(nullptr,
			HMAC(EVP_sha1(), key.data(), (int)key.size(),
					msg.data(), msg.size(), md, &md_len));
	EXPECT_EQ(md_len, 20u);
	return bytes(md, md + tag_len);
}

/* §3.1: an RTP packet without extension, rollover counter roc */
inline bytes
srtp_protect(const bytes &master, const bytes &rtp, uint32_t roc,
		size_t tag_len)
{
	keys k = derive(master, false);
	size_t hlen = 12 + 4 * (rtp[0] & 15);
	uint64_t index = (uint64_t)roc << 16 | (unsigned)(rtp[2] << 8 | rtp[3]);
	uint8_t iv[16];

	iv_of(k, &rtp[8], index, iv);
	bytes out(rtp.begin(), rtp.begin() + hlen);
	bytes enc = aes_ctr(k.cipher.data(), iv,
			bytes(rtp.begin() + hlen, rtp.end()));
	out.insert(out.end(), enc.begin(), enc.end());
	/* §4.2: the tag covers the packet and the ROC */
	bytes m = out;
	for (int i = 3; i >= 0; i--)
		m.push_back((uint8_t)(roc >> (8 * i)));
	bytes tag = hmac_sha1(k.auth, m, tag_len);
	out.insert(out.end(), tag.begin(), tag.end());
	return out;
}

/* §3.4: an encrypted SRTCP packet with SRTCP index `index`, 80-bit tag */
inline bytes
srtcp_protect(const bytes &master, const bytes &rtcp, uint32_t index)
{
	keys k = derive(master, true);
	uint8_t iv[16];

	iv_of(k, &rtcp[4], index, iv);
	bytes out(rtcp.begin(), rtcp.begin() + 8);
	bytes enc = aes_ctr(k.cipher.data(), iv,
			bytes(rtcp.begin() + 8, rtcp.end()));
	out.insert(out.end(), enc.begin(), enc.end());
	uint32_t e_index = 0x80000000u | index;
	for (int i = 3; i >= 0; i--)
		out.push_back((uint8_t)(e_index >> (8 * i)));
	bytes tag = hmac_sha1(k.auth, out, 10);
	out.insert(out.end(), tag.begin(), tag.end());
	return out;
}

} // namespace srtpref

#endif /* VG_SRTP_REF_H */
