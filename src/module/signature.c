// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The display fields of a module's appended signature, read without
 * libcrypto.
 *
 * kmod 30 hands the PKCS#7 blob to OpenSSL's d2i_PKCS7() and shows no
 * signature fields at all when that fails, so to show the same thing we
 * must refuse what OpenSSL refuses.  The checks below reproduce OpenSSL
 * 3.0's verdicts on every part we walk, each checked against Debian's
 * modinfo on hand-made blobs:
 *  - only one ContentInfo is read; bytes after it are ignored;
 *  - every SEQUENCE must hold exactly its fields, nothing after them;
 *  - INTEGERs must be minimal, OIDs well formed, NULL empty, BOOLEAN one
 *    octet, BIT STRINGs must have 0..7 unused bits, BMPStrings an even and
 *    UniversalStrings a multiple-of-4 length, wherever they are walked;
 *  - every SignerInfo is checked, but only the first one is shown;
 *  - in the issuer Name, each value must be of a type X509_NAME takes, and
 *    UTF8/BMP/Universal strings must hold valid Unicode (OpenSSL converts
 *    every entry to UTF-8 to build a canonical form and fails if it can't);
 *  - the digest algorithm must be one kmod 30 names, else kmod shows nothing.
 * Where OpenSSL accepts BER that would force us to copy or to parse far more
 * (indefinite lengths, constructed strings in the fields we return, the
 * inside of embedded certificates and CRLs, nested PKCS#7 contents), we
 * refuse the first two and only check the shape of the others.  The kernel's
 * sign-file writes plain DER, so real modules never meet these differences.
 */
#include <errno.h>
#include <string.h>

#include "module/der.h"
#include "module/signature.h"

/* The trailer's enumerations, as kmod 30 names them. */
#define SIG_ALGO_COUNT 2	/* DSA, RSA: only range-checked */
static const char *const sig_hash_names[] = {
	"md4", "md5", "sha1", "rmd160", "sha256", "sha384", "sha512", "sha224", "sm3",
};
static const char *const sig_id_type_names[] = { "PGP", "X509", "PKCS#7" };
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* OpenSSL refuses an X509_NAME longer than this (X509_NAME_MAX). */
#define NAME_MAX_LEN (1024 * 1024)

/* Object identifiers, as DER content octets. */
static const uint8_t oid_pkcs7_data[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 };
static const uint8_t oid_pkcs7_signed[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02 };
static const uint8_t oid_pkcs7_signed_enveloped[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x04
};
static const uint8_t oid_common_name[] = { 0x55, 0x04, 0x03 };

/* The digests kmod 30 maps to a name (from OpenSSL NIDs); others show nothing. */
static const struct {
	uint8_t len;
	uint8_t oid[9];
	const char *name;
} digest_oids[] = {
	{ 8, { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x04 }, "md4" },
	{ 8, { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05 }, "md5" },
	{ 5, { 0x2b, 0x0e, 0x03, 0x02, 0x1a }, "sha1" },
	{ 5, { 0x2b, 0x24, 0x03, 0x02, 0x01 }, "rmd160" },
	{ 9, { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 }, "sha256" },
	{ 9, { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02 }, "sha384" },
	{ 9, { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03 }, "sha512" },
	{ 9, { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04 }, "sha224" },
	{ 8, { 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x11 }, "sm3" },
};

/* Universal tag numbers used below. */
enum {
	UT_BOOLEAN = 1, UT_INTEGER = 2, UT_BIT_STRING = 3, UT_NULL = 5, UT_OID = 6,
	UT_ENUMERATED = 10, UT_UTF8 = 12, UT_SEQUENCE = 16, UT_SET = 17,
	UT_UNIVERSAL = 28, UT_BMP = 30,
};

struct p7_parser {
	struct mt_signature *sig;
	const char *why;
};

static bool reject(struct p7_parser *pp, const char *why)
{
	pp->why = why;
	return false;
}

static bool is_universal(const struct mt_der_elem *e)
{
	return mt_der_class(e->tag) == MT_DER_CLASS_UNIVERSAL;
}

/*
 * Read a SET OF or SEQUENCE OF (or one IMPLICITly tagged): OpenSSL checks
 * the constructed bit of SEQUENCE types and EXPLICIT tags but not of these
 * lists, so their primitive form reads the same (checked with modinfo).
 */
static bool expect_list(struct mt_der *d, uint32_t tag, struct mt_der_elem *e)
{
	return mt_der_optional(d, tag, e) ||
	       mt_der_optional(d, tag & ~MT_DER_CONSTRUCTED, e);
}

static bool unicode_valid(uint32_t c)
{
	return c <= 0x10ffff && (c < 0xd800 || c > 0xdfff);
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static bool utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t c = s[i], min;
		size_t n, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1, c &= 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, c &= 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, c &= 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n >= len - i)
			return false;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			c = (c << 6) | (s[i + k] & 0x3f);
		}
		if (c < min || !unicode_valid(c))
			return false;
		i += n + 1;
	}
	return true;
}

static bool bmp_valid(const uint8_t *s, size_t len)
{
	size_t i;

	if (len % 2)
		return false;
	for (i = 0; i < len; i += 2)
		if (!unicode_valid((uint32_t)s[i] << 8 | s[i + 1]))
			return false;
	return true;
}

static bool universal_string_valid(const uint8_t *s, size_t len)
{
	size_t i;

	if (len % 4)
		return false;
	for (i = 0; i < len; i += 4) {
		uint32_t c = (uint32_t)s[i] << 24 | (uint32_t)s[i + 1] << 16 |
			     (uint32_t)s[i + 2] << 8 | s[i + 3];

		if (!unicode_valid(c))
			return false;
	}
	return true;
}

static bool bit_string_valid(const struct mt_der_elem *e)
{
	return e->len >= 1 && e->data[0] <= 7;
}

/* OpenSSL's limit on constructed strings nested in constructed strings. */
#define STRING_MAX_NEST 5

/* What a BER constructed string's pieces add up to, as OpenSSL joins them. */
struct joined_string {
	size_t len;
	int first;	/* the first content octet, -1 while there is none */
};

/*
 * A BER constructed string: OpenSSL joins the contents of its pieces,
 * whatever their tags, and checks the result as it would a primitive one.
 */
static bool join_string(const struct mt_der_elem *e, unsigned int depth, struct joined_string *js)
{
	struct mt_der d = mt_der_enter(e);
	struct mt_der_elem piece;

	while (!mt_der_at_end(&d)) {
		if (!mt_der_next(&d, &piece))
			return false;
		if (mt_der_is_constructed(piece.tag)) {
			if (depth >= STRING_MAX_NEST || !join_string(&piece, depth + 1, js))
				return false;
			continue;
		}
		if (js->first < 0 && piece.len > 0)
			js->first = piece.data[0];
		js->len += piece.len;
	}
	return true;
}

static bool constructed_string_valid(const struct mt_der_elem *e)
{
	struct joined_string js = { 0, -1 };

	if (!join_string(e, 0, &js))
		return false;
	switch (mt_der_tag_number(e->tag)) {
	case UT_BIT_STRING:
		return js.len >= 1 && js.first <= 7;
	case UT_UNIVERSAL:
		return js.len % 4 == 0;
	case UT_BMP:
		return js.len % 2 == 0;
	default:
		return true;
	}
}

/* A value of type ANY (algorithm parameters, attribute values ...). */
static bool any_valid(const struct mt_der_elem *e)
{
	uint32_t num = mt_der_tag_number(e->tag);

	if (!is_universal(e))
		return true;	/* kept as raw bytes */
	if (mt_der_is_constructed(e->tag)) {
		if (num == UT_SEQUENCE || num == UT_SET)
			return true;	/* kept as raw bytes */
		if (num == UT_BOOLEAN || num == UT_INTEGER || num == UT_NULL ||
		    num == UT_OID || num == UT_ENUMERATED)
			return false;
		return constructed_string_valid(e);
	}
	switch (num) {
	case UT_SEQUENCE:
	case UT_SET:
		return false;	/* must be constructed */
	case UT_BOOLEAN:
		return e->len == 1;
	case UT_NULL:
		return e->len == 0;
	case UT_INTEGER:
	case UT_ENUMERATED:
		return mt_der_integer_valid(e);
	case UT_OID:
		return mt_der_oid_valid(e);
	case UT_BIT_STRING:
		return bit_string_valid(e);
	case UT_UNIVERSAL:
		return e->len % 4 == 0;
	case UT_BMP:
		return e->len % 2 == 0;
	default:
		return true;
	}
}

/*
 * A value in an X509_NAME: one of the types OpenSSL's DirectoryString-like
 * mask admits (NumericString, PrintableString, T61String, IA5String, BIT
 * STRING, UniversalString, BMPString, UTF8String, SEQUENCE, and universal
 * tags it has no type for), then convertible to UTF-8.  Tested one by one
 * against Debian's modinfo.  Constructed strings, which OpenSSL would join,
 * are refused (see the top of this file).
 */
static bool name_value_valid(const struct mt_der_elem *e)
{
	if (!is_universal(e))
		return false;
	if (mt_der_is_constructed(e->tag))
		return e->tag == MT_DER_SEQUENCE;
	switch (mt_der_tag_number(e->tag)) {
	case UT_BIT_STRING:
		return bit_string_valid(e);
	case UT_UTF8:
		return utf8_valid(e->data, e->len);
	case UT_UNIVERSAL:
		return universal_string_valid(e->data, e->len);
	case UT_BMP:
		return bmp_valid(e->data, e->len);
	case 18:	/* NumericString, not checked by OpenSSL */
	case 19:	/* PrintableString, read as Latin-1 */
	case 20:	/* T61String, read as Latin-1 */
	case 22:	/* IA5String, read as Latin-1 */
	case 7:		/* ObjectDescriptor ... types OpenSSL keeps as opaque */
	case 8:
	case 9:
	case 11:
	case 13:
	case 14:
	case 15:
	case 29:
		return true;
	default:
		return false;
	}
}

/*
 * The text kmod shows for a Name value: OpenSSL's string data up to its
 * first NUL (kmod takes strlen() of it).  A SEQUENCE value keeps its whole
 * encoding there, a BIT STRING drops its unused-bits octet.  (OpenSSL does
 * not NUL-terminate a BIT STRING's copy, so kmod may show heap bytes after
 * it: we stop at its end.)
 */
static void name_value_text(const struct mt_der_elem *e, const char **text, size_t *len)
{
	const uint8_t *p = e->data;
	size_t n = e->len;
	const uint8_t *nul;

	if (e->tag == MT_DER_SEQUENCE) {
		p -= e->hdr_len;
		n += e->hdr_len;
	} else if (e->tag == MT_DER_BIT_STRING) {
		p++;
		n--;
	}
	nul = memchr(p, 0, n);
	*text = (const char *)p;
	*len = nul ? (size_t)(nul - p) : n;
}

/*
 * kmod shows the first commonName of the issuer, or, with none, the value
 * of the Name's last attribute (its loop stops on the last one), or nothing
 * (NULL, shown as an empty value) for an empty Name.  Every attribute is
 * checked since OpenSSL checks them all.
 */
static bool parse_name(struct p7_parser *pp, const struct mt_der_elem *name, bool want)
{
	struct mt_der rdns = mt_der_enter(name);
	struct mt_der_elem rdn, atv, type, value, chosen = { 0 };
	bool have_entry = false, have_cn = false;

	if (name->hdr_len + name->len > NAME_MAX_LEN)
		return reject(pp, "issuer name too long");
	while (!mt_der_at_end(&rdns)) {
		struct mt_der entries;

		if (!expect_list(&rdns, MT_DER_SET, &rdn))
			return reject(pp, "malformed issuer name");
		entries = mt_der_enter(&rdn);
		while (!mt_der_at_end(&entries)) {
			struct mt_der fields;

			if (!mt_der_expect(&entries, MT_DER_SEQUENCE, &atv))
				return reject(pp, "malformed issuer name attribute");
			fields = mt_der_enter(&atv);
			if (!mt_der_expect(&fields, MT_DER_OID, &type) || !mt_der_oid_valid(&type) ||
			    !mt_der_next(&fields, &value) || !mt_der_at_end(&fields))
				return reject(pp, "malformed issuer name attribute");
			if (!name_value_valid(&value))
				return reject(pp, "bad issuer name attribute value");
			have_entry = true;
			if (have_cn)
				continue;
			chosen = value;
			have_cn = mt_der_oid_eq(&type, oid_common_name, sizeof(oid_common_name));
		}
	}
	if (want && have_entry)
		name_value_text(&chosen, &pp->sig->signer, &pp->sig->signer_len);
	return true;
}

/*
 * kmod shows the serial as OpenSSL's BN_bn2bin() writes it: the magnitude,
 * big-endian, without leading zeros (a zero serial shows as nothing).
 */
static bool parse_serial(struct p7_parser *pp, const struct mt_der_elem *e, bool want)
{
	struct mt_signature *sig = pp->sig;
	const uint8_t *p = e->data;
	size_t n = e->len;

	if (!mt_der_integer_valid(e))
		return reject(pp, "malformed serial number");
	if (!want)
		return true;
	if (p[0] & 0x80) {
		unsigned int carry = 1;
		size_t i;

		if (n > sizeof(sig->key_id_buf))
			return reject(pp, "negative serial number too long");
		/* Two's complement negation: invert, add one. */
		for (i = n; i-- > 0;) {
			unsigned int v = (uint8_t)~p[i] + carry;

			sig->key_id_buf[i] = (uint8_t)v;
			carry = v >> 8;
		}
		p = sig->key_id_buf;
	}
	while (n > 0 && p[0] == 0)
		p++, n--;
	sig->key_id = p;
	sig->key_id_len = n;
	return true;
}

/* AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } */
static bool algorithm_valid(const struct mt_der_elem *e, struct mt_der_elem *oid)
{
	struct mt_der d = mt_der_enter(e);
	struct mt_der_elem params;

	if (e->tag != MT_DER_SEQUENCE)
		return false;
	if (!mt_der_expect(&d, MT_DER_OID, oid) || !mt_der_oid_valid(oid))
		return false;
	if (!mt_der_at_end(&d) && (!mt_der_next(&d, &params) || !any_valid(&params)))
		return false;
	return mt_der_at_end(&d);
}

/* [n] IMPLICIT SET OF Attribute, Attribute ::= SEQUENCE { OID, SET OF ANY } */
static bool attributes_valid(const struct mt_der_elem *e)
{
	struct mt_der attrs = mt_der_enter(e);
	struct mt_der_elem attr, type, values, value;

	while (!mt_der_at_end(&attrs)) {
		struct mt_der fields, vals;

		if (!mt_der_expect(&attrs, MT_DER_SEQUENCE, &attr))
			return false;
		fields = mt_der_enter(&attr);
		if (!mt_der_expect(&fields, MT_DER_OID, &type) || !mt_der_oid_valid(&type) ||
		    !expect_list(&fields, MT_DER_SET, &values) || !mt_der_at_end(&fields))
			return false;
		vals = mt_der_enter(&values);
		while (!mt_der_at_end(&vals))
			if (!mt_der_next(&vals, &value) || !any_valid(&value))
				return false;
	}
	return true;
}

/*
 * Embedded certificates or CRLs: OpenSSL parses each in full; we check the
 * SIGNED{} shape only: SEQUENCE { SEQUENCE, SEQUENCE, BIT STRING }.
 */
static bool signed_objects_valid(const struct mt_der_elem *e)
{
	struct mt_der list = mt_der_enter(e);
	struct mt_der_elem obj, tbs, alg, bits;

	while (!mt_der_at_end(&list)) {
		struct mt_der fields;

		if (!mt_der_expect(&list, MT_DER_SEQUENCE, &obj))
			return false;
		fields = mt_der_enter(&obj);
		if (!mt_der_expect(&fields, MT_DER_SEQUENCE, &tbs) ||
		    !mt_der_expect(&fields, MT_DER_SEQUENCE, &alg) ||
		    !mt_der_expect(&fields, MT_DER_BIT_STRING, &bits) ||
		    !bit_string_valid(&bits) || !mt_der_at_end(&fields))
			return false;
	}
	return true;
}

static const char *digest_name(const struct mt_der_elem *oid)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(digest_oids); i++)
		if (mt_der_oid_eq(oid, digest_oids[i].oid, digest_oids[i].len))
			return digest_oids[i].name;
	return NULL;
}

/*
 * SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, [0] signedAttrs
 * OPTIONAL, signatureAlgorithm, signature OCTET STRING, [1] unsignedAttrs
 * OPTIONAL }.  Fills the display fields when @want (the first one).
 *
 * kmod 30 reads the blob as PKCS#7, whose SignerInfo names its signer by
 * issuer and serial only: CMS's other choice, [0] subjectKeyIdentifier
 * (sign-file -k), makes d2i_PKCS7() fail and modinfo show no signature
 * fields (checked with Debian's modinfo), so it is refused here too.
 */
static bool parse_signer_info(struct p7_parser *pp, const struct mt_der_elem *e, bool want)
{
	struct mt_der si = mt_der_enter(e), ias;
	struct mt_der_elem version, sid, issuer, serial, digest_alg, digest_oid;
	struct mt_der_elem attrs, sig_alg, sig_oid, value;
	const char *hash = NULL;

	if (!mt_der_expect(&si, MT_DER_INTEGER, &version) || !mt_der_integer_valid(&version))
		return reject(pp, "malformed SignerInfo version");
	if (!mt_der_next(&si, &sid))
		return reject(pp, "malformed SignerInfo");
	if (sid.tag != MT_DER_SEQUENCE)
		return reject(pp, "signer named by subject key identifier (kmod shows none)");
	ias = mt_der_enter(&sid);
	if (!expect_list(&ias, MT_DER_SEQUENCE, &issuer) ||
	    !mt_der_expect(&ias, MT_DER_INTEGER, &serial) || !mt_der_at_end(&ias))
		return reject(pp, "malformed issuerAndSerialNumber");
	if (!parse_name(pp, &issuer, want) || !parse_serial(pp, &serial, want))
		return false;
	if (!mt_der_next(&si, &digest_alg) || !algorithm_valid(&digest_alg, &digest_oid))
		return reject(pp, "malformed digest algorithm");
	if (expect_list(&si, MT_DER_CONTEXT(0), &attrs) && !attributes_valid(&attrs))
		return reject(pp, "malformed signed attributes");
	if (!mt_der_next(&si, &sig_alg) || !algorithm_valid(&sig_alg, &sig_oid))
		return reject(pp, "malformed signature algorithm");
	if (!mt_der_expect(&si, MT_DER_OCTET_STRING, &value))
		return reject(pp, "malformed signature value");
	if (expect_list(&si, MT_DER_CONTEXT(1), &attrs) && !attributes_valid(&attrs))
		return reject(pp, "malformed unsigned attributes");
	if (!mt_der_at_end(&si))
		return reject(pp, "trailing data in SignerInfo");
	if (!want)
		return true;
	hash = digest_name(&digest_oid);
	if (!hash)
		return reject(pp, "digest algorithm kmod does not name");
	pp->sig->hash_algo = hash;
	pp->sig->sig = value.data;
	pp->sig->sig_len = value.len;
	return true;
}

/* signedData, envelopedData, signedAndEnvelopedData, digestedData, encryptedData */
static bool is_pkcs7_structured_type(const struct mt_der_elem *oid)
{
	size_t n = sizeof(oid_pkcs7_data);

	return oid->len == n && memcmp(oid->data, oid_pkcs7_data, n - 1) == 0 &&
	       oid->data[n - 1] >= 2 && oid->data[n - 1] <= 6;
}

/* ContentInfo of the signed content: SEQUENCE { OID, [0] EXPLICIT ANY OPTIONAL } */
static bool encap_content_valid(const struct mt_der_elem *e)
{
	struct mt_der d = mt_der_enter(e), x;
	struct mt_der_elem type, explicit, content;

	if (!mt_der_expect(&d, MT_DER_OID, &type) || !mt_der_oid_valid(&type))
		return false;
	if (mt_der_optional(&d, MT_DER_CONTEXT(0), &explicit)) {
		x = mt_der_enter(&explicit);
		if (!mt_der_next(&x, &content) || !mt_der_at_end(&x))
			return false;
		if (mt_der_oid_eq(&type, oid_pkcs7_data, sizeof(oid_pkcs7_data))) {
			if (mt_der_tag_number(content.tag) != 4 || !is_universal(&content))
				return false;
		} else if (is_pkcs7_structured_type(&type) && content.tag != MT_DER_SEQUENCE) {
			/* Other PKCS#7 types nested here are not parsed in depth. */
			return false;
		}
		if (!any_valid(&content))
			return false;
	}
	return mt_der_at_end(&d);
}

/* EncryptedContentInfo ::= SEQUENCE { OID, AlgorithmIdentifier, [0] IMPLICIT OCTET STRING OPTIONAL } */
static bool encrypted_content_valid(const struct mt_der_elem *e)
{
	struct mt_der d = mt_der_enter(e);
	struct mt_der_elem type, alg, alg_oid, data;

	if (!mt_der_expect(&d, MT_DER_OID, &type) || !mt_der_oid_valid(&type))
		return false;
	if (!mt_der_next(&d, &alg) || !algorithm_valid(&alg, &alg_oid))
		return false;
	/* The encrypted bytes: primitive, or constructed (BER) from pieces. */
	if (mt_der_optional(&d, MT_DER_CONTEXT(0), &data)) {
		if (!constructed_string_valid(&data))
			return false;
	} else {
		mt_der_optional(&d, MT_DER_CONTEXT_PRIM(0), &data);
	}
	return mt_der_at_end(&d);
}

/* A SET whose members are all SEQUENCEs (RecipientInfos: shape only). */
static bool set_of_sequences_valid(const struct mt_der_elem *e)
{
	struct mt_der d = mt_der_enter(e);
	struct mt_der_elem m;

	while (!mt_der_at_end(&d))
		if (!mt_der_expect(&d, MT_DER_SEQUENCE, &m))
			return false;
	return true;
}

static bool digest_algorithms_valid(const struct mt_der_elem *e)
{
	struct mt_der d = mt_der_enter(e);
	struct mt_der_elem alg, oid;

	while (!mt_der_at_end(&d))
		if (!mt_der_next(&d, &alg) || !algorithm_valid(&alg, &oid))
			return false;
	return true;
}

static bool parse_signer_infos(struct p7_parser *pp, const struct mt_der_elem *set)
{
	struct mt_der d = mt_der_enter(set);
	struct mt_der_elem si;
	bool first = true;

	if (mt_der_at_end(&d))
		return reject(pp, "no SignerInfo");
	while (!mt_der_at_end(&d)) {
		if (!mt_der_expect(&d, MT_DER_SEQUENCE, &si))
			return reject(pp, "malformed SignerInfo");
		if (!parse_signer_info(pp, &si, first))
			return false;
		first = false;
	}
	return true;
}

/*
 * SignedData ::= SEQUENCE { version, digestAlgorithms SET, contentInfo,
 * [0] certificates OPTIONAL, [1] crls OPTIONAL, signerInfos SET }.
 * PKCS#7's SignedAndEnvelopedData, which OpenSSL also returns signers for,
 * has recipientInfos SET after the version and an EncryptedContentInfo in
 * place of the contentInfo.
 */
static bool parse_signed_data(struct p7_parser *pp, const struct mt_der_elem *e, bool enveloped)
{
	struct mt_der sd = mt_der_enter(e);
	struct mt_der_elem version, recipients, digests, content, certs, signers;

	if (!mt_der_expect(&sd, MT_DER_INTEGER, &version) || !mt_der_integer_valid(&version))
		return reject(pp, "malformed SignedData version");
	if (enveloped && (!expect_list(&sd, MT_DER_SET, &recipients) ||
			  !set_of_sequences_valid(&recipients)))
		return reject(pp, "malformed RecipientInfos");
	if (!expect_list(&sd, MT_DER_SET, &digests) || !digest_algorithms_valid(&digests))
		return reject(pp, "malformed digestAlgorithms");
	if (!mt_der_expect(&sd, MT_DER_SEQUENCE, &content) ||
	    !(enveloped ? encrypted_content_valid(&content) : encap_content_valid(&content)))
		return reject(pp, "malformed content info");
	if (expect_list(&sd, MT_DER_CONTEXT(0), &certs) && !signed_objects_valid(&certs))
		return reject(pp, "malformed certificates");
	if (expect_list(&sd, MT_DER_CONTEXT(1), &certs) && !signed_objects_valid(&certs))
		return reject(pp, "malformed CRLs");
	if (!expect_list(&sd, MT_DER_SET, &signers))
		return reject(pp, "malformed signerInfos");
	if (!parse_signer_infos(pp, &signers))
		return false;
	if (!mt_der_at_end(&sd))
		return reject(pp, "trailing data in SignedData");
	return true;
}

/* ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY OPTIONAL } */
static bool parse_pkcs7(struct p7_parser *pp, const uint8_t *blob, size_t len)
{
	struct mt_der d = { blob, len }, ci, x;
	struct mt_der_elem outer, type, explicit, sd;
	bool enveloped;

	/* Like d2i_PKCS7_bio(), read one object and ignore what follows it. */
	if (!mt_der_expect(&d, MT_DER_SEQUENCE, &outer))
		return reject(pp, "PKCS#7 blob is not a DER SEQUENCE");
	ci = mt_der_enter(&outer);
	if (!mt_der_expect(&ci, MT_DER_OID, &type) || !mt_der_oid_valid(&type))
		return reject(pp, "malformed PKCS#7 content type");
	if (mt_der_oid_eq(&type, oid_pkcs7_signed, sizeof(oid_pkcs7_signed)))
		enveloped = false;
	else if (mt_der_oid_eq(&type, oid_pkcs7_signed_enveloped, sizeof(oid_pkcs7_signed_enveloped)))
		enveloped = true;
	else
		return reject(pp, "PKCS#7 content is not signedData");
	if (!mt_der_expect(&ci, MT_DER_CONTEXT(0), &explicit))
		return reject(pp, "PKCS#7 signedData has no content");
	x = mt_der_enter(&explicit);
	if (!mt_der_expect(&x, MT_DER_SEQUENCE, &sd) || !mt_der_at_end(&x) || !mt_der_at_end(&ci))
		return reject(pp, "malformed PKCS#7 ContentInfo");
	return parse_signed_data(pp, &sd, enveloped);
}

static int sig_fail(const char **why, const char *reason, int err)
{
	if (why)
		*why = reason;
	return err;
}

/* id_type PGP or X509: [signer][key id][signature] lie just before the trailer. */
static void fill_raw(struct mt_signature *sig, const uint8_t *mem, size_t end,
		     const uint8_t *info, size_t sig_len)
{
	size_t key_id_len = info[4], signer_len = info[3];
	const char *nul;

	sig->sig = mem + end - sig_len;
	sig->sig_len = sig_len;
	sig->key_id = sig->sig - key_id_len;
	sig->key_id_len = key_id_len;
	sig->signer = (const char *)sig->key_id - signer_len;
	/* kmod prints the signer with %s: it ends at the first NUL. */
	nul = memchr(sig->signer, 0, signer_len);
	sig->signer_len = nul ? (size_t)(nul - sig->signer) : signer_len;
	sig->hash_algo = sig_hash_names[info[1]];
	sig->signed_len = end - sig_len - key_id_len - signer_len;
}

int mt_signature_parse(const void *data, size_t size, struct mt_signature *sig,
		       const char **why)
{
	const uint8_t *mem = data, *info;
	struct p7_parser pp = { .sig = sig };
	size_t end, sig_len;

	memset(sig, 0, offsetof(struct mt_signature, key_id_buf));
	if (size < MT_SIG_MAGIC_LEN ||
	    memcmp(mem + size - MT_SIG_MAGIC_LEN, MT_SIG_MAGIC, MT_SIG_MAGIC_LEN) != 0)
		return sig_fail(why, "no signature marker", -ENODATA);
	end = size - MT_SIG_MAGIC_LEN;
	if (end < MT_SIG_INFO_LEN)
		return sig_fail(why, "signature trailer truncated", -EBADMSG);
	end -= MT_SIG_INFO_LEN;
	info = mem + end;
	if (info[0] >= SIG_ALGO_COUNT || info[1] >= ARRAY_LEN(sig_hash_names) ||
	    info[2] >= ARRAY_LEN(sig_id_type_names))
		return sig_fail(why, "unknown algorithm, hash or id type in signature trailer",
				-EBADMSG);
	sig_len = (size_t)info[8] << 24 | (size_t)info[9] << 16 | (size_t)info[10] << 8 | info[11];
	if (sig_len == 0)
		return sig_fail(why, "empty signature", -EBADMSG);
	/* kmod checks the signer and key id lengths even for PKCS#7. */
	if ((uint64_t)sig_len + info[3] + info[4] > end)
		return sig_fail(why, "signature longer than the module", -EBADMSG);
	sig->id_type = info[2];
	sig->id_type_name = sig_id_type_names[info[2]];
	if (info[2] != MT_SIG_ID_PKCS7) {
		fill_raw(sig, mem, end, info, sig_len);
		return 0;
	}
	sig->pkcs7 = mem + end - sig_len;
	sig->pkcs7_len = sig_len;
	sig->signed_len = end - sig_len;
	if (!parse_pkcs7(&pp, sig->pkcs7, sig_len)) {
		memset(sig, 0, offsetof(struct mt_signature, key_id_buf));
		return sig_fail(why, pp.why, -EBADMSG);
	}
	return 0;
}

int mt_signature_locate(const void *data, size_t size, struct mt_signature_span *span,
			const char **why)
{
	const uint8_t *mem = data, *info;
	size_t end, sig_len;

	if (size < MT_SIG_MAGIC_LEN ||
	    memcmp(mem + size - MT_SIG_MAGIC_LEN, MT_SIG_MAGIC, MT_SIG_MAGIC_LEN) != 0)
		return sig_fail(why, "no signature marker", -ENODATA);
	end = size - MT_SIG_MAGIC_LEN;
	if (end < MT_SIG_INFO_LEN)
		return sig_fail(why, "signature trailer truncated", -EBADMSG);
	end -= MT_SIG_INFO_LEN;
	info = mem + end;
	/* in the kernel's order: the length, the type, then the zero fields */
	sig_len = (size_t)info[8] << 24 | (size_t)info[9] << 16 | (size_t)info[10] << 8 | info[11];
	if (sig_len >= end)
		return sig_fail(why, "signature longer than the module", -EBADMSG);
	if (info[2] != MT_SIG_ID_PKCS7)
		return sig_fail(why, "signature is not PKCS#7", -ENOPKG);
	if (info[0] || info[1] || info[3] || info[4] || info[5] || info[6] || info[7])
		return sig_fail(why, "signature trailer has unexpected non-zero fields", -EBADMSG);
	if (sig_len == 0)
		return sig_fail(why, "empty signature", -EBADMSG);
	span->signed_len = end - sig_len;
	span->sig_len = sig_len;
	return 0;
}
