/* SPDX-License-Identifier: BSD-3-Clause */
/** @file The location service: bindings per AOR and RFC 3261 §10.3 rules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registrar_pvt.h"

#define VG_REG_MIN_BUCKETS 256

void
vg_reg_params_from_config(const struct vg_cfg_sip *sip, struct vg_reg_params *p)
{
	memset(p, 0, sizeof(*p));
	p->min_expires = sip->min_expires;
	p->default_expires = sip->default_expires;
	p->max_expires = sip->max_expires;
	p->max_contacts = sip->max_contacts;
	vg_reg_copy(p->file, sizeof(p->file), sip->registrations_file);
	p->save_delay_ms = 1000;
}

bool
vg_reg_copy(char *dst, size_t size, const char *src)
{
	size_t len = src != NULL ? strlen(src) : 0;

	if (len >= size)
		return false;
	memcpy(dst, src != NULL ? src : "", len);
	dst[len] = '\0';
	return true;
}

/* FNV-1a: AORs are short user names; a stronger hash buys nothing here. */
static size_t
aor_hash(const char *aor)
{
	uint64_t h = 14695981039346656037ull;

	for (; *aor != '\0'; aor++) {
		h ^= (unsigned char)*aor;
		h *= 1099511628211ull;
	}
	return (size_t)h;
}

int
vg_reg_create(struct vg_registrar **regp, const struct vg_reg_params *p)
{
	struct vg_registrar *reg;

	if (regp == NULL || p == NULL)
		return -EINVAL;
	if (p->min_expires > p->max_expires ||
			p->default_expires < p->min_expires ||
			p->default_expires > p->max_expires ||
			p->max_contacts == 0 ||
			p->max_contacts > VG_REG_MAX_CONTACTS)
		return -EINVAL;
	reg = calloc(1, sizeof(*reg));
	if (reg == NULL)
		return -ENOMEM;
	reg->p = *p;
	reg->n_bucket = VG_REG_MIN_BUCKETS;
	reg->bucket = calloc(reg->n_bucket, sizeof(*reg->bucket));
	if (reg->bucket == NULL) {
		free(reg);
		return -ENOMEM;
	}
	*regp = reg;
	return 0;
}

void
vg_reg_destroy(struct vg_registrar *reg)
{
	size_t i;

	if (reg == NULL)
		return;
	vg_reg_writer_stop(reg);
	for (i = 0; i < reg->n_bucket; i++) {
		struct vg_reg_record *rec = reg->bucket[i], *next;

		for (; rec != NULL; rec = next) {
			next = rec->next;
			free(rec->b);
			free(rec);
		}
	}
	free(reg->bucket);
	free(reg);
}

/* Double the table when it holds more records than buckets. */
static void
maybe_grow(struct vg_registrar *reg)
{
	struct vg_reg_record **nb;
	size_t n = reg->n_bucket * 2, i;

	if (reg->n_aors <= reg->n_bucket)
		return;
	nb = calloc(n, sizeof(*nb));
	if (nb == NULL)
		return; /* longer chains, still correct */
	for (i = 0; i < reg->n_bucket; i++) {
		struct vg_reg_record *rec = reg->bucket[i], *next;

		for (; rec != NULL; rec = next) {
			size_t h = aor_hash(rec->aor) & (n - 1);

			next = rec->next;
			rec->next = nb[h];
			nb[h] = rec;
		}
	}
	free(reg->bucket);
	reg->bucket = nb;
	reg->n_bucket = n;
}

struct vg_reg_record *
vg_reg_record_get(struct vg_registrar *reg, const char *aor, bool create)
{
	size_t h = aor_hash(aor) & (reg->n_bucket - 1);
	struct vg_reg_record *rec;

	for (rec = reg->bucket[h]; rec != NULL; rec = rec->next)
		if (strcmp(rec->aor, aor) == 0)
			return rec;
	if (!create)
		return NULL;
	rec = calloc(1, sizeof(*rec));
	if (rec == NULL || !vg_reg_copy(rec->aor, sizeof(rec->aor), aor)) {
		free(rec);
		return NULL;
	}
	rec->next = reg->bucket[h];
	reg->bucket[h] = rec;
	reg->n_aors++;
	maybe_grow(reg);
	return rec;
}

int
vg_reg_record_append(struct vg_registrar *reg, struct vg_reg_record *rec,
		const struct vg_reg_binding *b)
{
	if (rec->n == rec->cap) {
		uint32_t cap = rec->cap != 0 ? rec->cap * 2 : 2;
		struct vg_reg_binding *nb;

		nb = realloc(rec->b, cap * sizeof(*nb));
		if (nb == NULL)
			return -ENOMEM;
		rec->b = nb;
		rec->cap = cap;
	}
	rec->b[rec->n++] = *b;
	reg->n_bindings++;
	return 0;
}

void
vg_reg_record_drop_empty(struct vg_registrar *reg, struct vg_reg_record *rec)
{
	size_t h = aor_hash(rec->aor) & (reg->n_bucket - 1);
	struct vg_reg_record **pp;

	if (rec->n != 0)
		return;
	for (pp = &reg->bucket[h]; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == rec) {
			*pp = rec->next;
			free(rec->b);
			free(rec);
			reg->n_aors--;
			return;
		}
	}
}

/* Remove bindings expired at now_ms; keeps the order of the others. */
static size_t
record_expire(struct vg_registrar *reg, struct vg_reg_record *rec,
		uint64_t now_ms)
{
	uint32_t i, k = 0;
	size_t gone;

	for (i = 0; i < rec->n; i++)
		if (rec->b[i].expires_ms > now_ms)
			rec->b[k++] = rec->b[i];
	gone = rec->n - k;
	rec->n = k;
	reg->n_bindings -= gone;
	return gone;
}

/*
 * RFC 3261 §19.1.4 in part: scheme and host (everything after the
 * userinfo) compare without case, the userinfo exactly. Parameter order
 * is not normalised: a UA refreshes with the URI it registered.
 */
static bool
uri_equal(const char *a, const char *b)
{
	const char *ca = strchr(a, ':'), *cb = strchr(b, ':');
	const char *at_a, *at_b;
	size_t sa, sb, ua, ub;

	if (ca == NULL || cb == NULL)
		return strcasecmp(a, b) == 0;
	sa = (size_t)(ca - a);
	sb = (size_t)(cb - b);
	if (sa != sb || strncasecmp(a, b, sa) != 0)
		return false;
	at_a = strchr(ca + 1, '@');
	at_b = strchr(cb + 1, '@');
	if ((at_a == NULL) != (at_b == NULL))
		return false;
	if (at_a != NULL) {
		ua = (size_t)(at_a - ca);
		ub = (size_t)(at_b - cb);
		if (ua != ub || strncmp(ca, cb, ua) != 0)
			return false;
		return strcasecmp(at_a, at_b) == 0;
	}
	return strcasecmp(ca, cb) == 0;
}

static bool
binding_matches(const struct vg_reg_binding *b, const struct vg_reg_contact *c)
{
	if (c->instance != NULL && c->instance[0] != '\0' &&
			b->instance[0] != '\0' &&
			strcmp(b->instance, c->instance) == 0)
		return true;
	return uri_equal(b->uri, c->uri);
}

static void
set_outcome(struct vg_reg_outcome *out, uint16_t status, const char *reason)
{
	out->status = status;
	out->reason = reason;
}

/* Contact: * with Expires: 0 (RFC 3261 §10.3 step 6). */
static void
apply_star(struct vg_registrar *reg, const struct vg_reg_update *up,
		struct vg_reg_outcome *out)
{
	struct vg_reg_record *rec;
	uint32_t i;

	if (up->n_contacts != 0 || up->expires != 0) {
		set_outcome(out, 400,
				"Bad Request (Contact: * needs Expires: 0)");
		return;
	}
	rec = vg_reg_record_get(reg, up->aor, false);
	set_outcome(out, 200, "OK");
	if (rec == NULL)
		return;
	for (i = 0; i < rec->n; i++) {
		if (strcmp(rec->b[i].call_id, up->call_id) == 0 &&
				up->cseq <= rec->b[i].cseq) {
			set_outcome(out, 500,
					"Server Internal Error (CSeq out of "
					"order)");
			return;
		}
	}
	out->removed = rec->n;
	reg->n_bindings -= rec->n;
	rec->n = 0;
	vg_reg_record_drop_empty(reg, rec);
	reg->dirty = true;
}

/* The expiry of one contact in seconds, policy applied; -1 means 423. */
static int64_t
contact_expiry(const struct vg_reg_params *p, const struct vg_reg_update *up,
		const struct vg_reg_contact *c)
{
	int64_t e = c->expires >= 0	   ? c->expires
			: up->expires >= 0 ? up->expires
					   : (int64_t)p->default_expires;

	if (e == 0)
		return 0;
	if (e < (int64_t)p->min_expires)
		return -1;
	if (e > (int64_t)p->max_expires)
		e = p->max_expires;
	return e;
}

static bool
update_valid(const struct vg_reg_update *up)
{
	size_t i;

	if (strlen(up->aor) >= VG_REG_AOR_MAX || up->aor[0] == '\0' ||
			strlen(up->call_id) >= VG_REG_CALLID_MAX ||
			(up->source != NULL &&
					strlen(up->source) >=
							VG_REG_SOURCE_MAX))
		return false;
	for (i = 0; i < up->n_contacts; i++) {
		const struct vg_reg_contact *c = &up->contacts[i];

		if (c->uri == NULL || c->uri[0] == '\0' ||
				strlen(c->uri) >= VG_REG_URI_MAX ||
				(c->instance != NULL &&
						strlen(c->instance) >=
								VG_REG_INSTANCE_MAX))
			return false;
	}
	return true;
}

/*
 * Evict the least recently updated bindings not named in this request
 * until n fits max_contacts. touched[i] marks the request's bindings.
 */
static uint32_t
evict_oldest(struct vg_reg_binding *w, bool *touched, uint32_t n, uint32_t max,
		unsigned *removed)
{
	while (n > max) {
		uint32_t i, victim = UINT32_MAX;

		for (i = 0; i < n; i++) {
			if (touched[i])
				continue;
			if (victim == UINT32_MAX ||
					w[i].updated_ms < w[victim].updated_ms)
				victim = i;
		}
		if (victim == UINT32_MAX)
			break; /* cannot happen: n_contacts <= max */
		w[victim] = w[n - 1];
		touched[victim] = touched[n - 1];
		n--;
		(*removed)++;
	}
	return n;
}

/* Contacts of a request on a working copy, committed only when valid. */
static int
apply_contacts(struct vg_registrar *reg, const struct vg_reg_update *up,
		uint64_t now_ms, struct vg_reg_outcome *out)
{
	struct vg_reg_record *rec = vg_reg_record_get(reg, up->aor, false);
	uint32_t old_n = 0, n, i, cap;
	struct vg_reg_binding *w = NULL;
	bool *touched = NULL;
	int rc = 0;
	size_t k;

	if (rec != NULL) {
		record_expire(reg, rec, now_ms);
		old_n = rec->n;
	}
	cap = old_n + (uint32_t)up->n_contacts;
	w = calloc(cap, sizeof(*w));
	touched = calloc(cap, sizeof(*touched));
	if (w == NULL || touched == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (old_n != 0)
		memcpy(w, rec->b, old_n * sizeof(*w));
	n = old_n;
	set_outcome(out, 200, "OK");
	for (k = 0; k < up->n_contacts; k++) {
		const struct vg_reg_contact *c = &up->contacts[k];
		int64_t e = contact_expiry(&reg->p, up, c);
		struct vg_reg_binding *b = NULL;

		for (i = 0; i < n; i++) {
			if (binding_matches(&w[i], c)) {
				b = &w[i];
				break;
			}
		}
		if (b != NULL && strcmp(b->call_id, up->call_id) == 0 &&
				up->cseq < b->cseq) {
			set_outcome(out, 500,
					"Server Internal Error (CSeq out of "
					"order)");
			goto out;
		}
		/*
		 * The same Call-ID and CSeq is the same request again (RFC
		 * 3261 s8.1.1.5): a retransmission that reached us after we
		 * answered it, as REGISTER is answered statelessly (s8.2.7:
		 * regenerate the response). It changes nothing; the 200
		 * lists the bindings as they are.
		 */
		if (b != NULL && strcmp(b->call_id, up->call_id) == 0 &&
				up->cseq == b->cseq)
			continue;
		if (e == 0) {
			if (b != NULL) {
				w[i] = w[n - 1];
				touched[i] = touched[n - 1];
				n--;
				out->removed++;
			}
			continue;
		}
		if (b == NULL) {
			b = &w[n];
			touched[n] = true;
			n++;
			out->added++;
		} else {
			touched[i] = true;
			out->refreshed++;
		}
		memset(b, 0, sizeof(*b));
		vg_reg_copy(b->uri, sizeof(b->uri), c->uri);
		vg_reg_copy(b->instance, sizeof(b->instance), c->instance);
		vg_reg_copy(b->call_id, sizeof(b->call_id), up->call_id);
		vg_reg_copy(b->source, sizeof(b->source), up->source);
		b->cseq = up->cseq;
		b->q = c->q;
		b->expires_ms = now_ms + (uint64_t)e * 1000;
		b->updated_ms = now_ms;
	}
	n = evict_oldest(w, touched, n, reg->p.max_contacts, &out->removed);

	/* Commit: the record takes the working copy. */
	if (rec == NULL && n != 0) {
		rec = vg_reg_record_get(reg, up->aor, true);
		if (rec == NULL) {
			rc = -ENOMEM;
			goto out;
		}
	}
	if (rec != NULL) {
		reg->n_bindings = reg->n_bindings - rec->n + n;
		free(rec->b);
		rec->b = w;
		rec->n = n;
		rec->cap = cap;
		w = NULL;
		vg_reg_record_drop_empty(reg, rec);
	}
	if (out->added + out->refreshed + out->removed != 0)
		reg->dirty = true;
out:
	free(w);
	free(touched);
	return rc;
}

int
vg_reg_apply(struct vg_registrar *reg, const struct vg_reg_update *up,
		uint64_t now_ms, struct vg_reg_outcome *out)
{
	size_t i;

	if (reg == NULL || up == NULL || out == NULL || up->aor == NULL ||
			up->call_id == NULL ||
			(up->n_contacts != 0 && up->contacts == NULL))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!update_valid(up)) {
		set_outcome(out, 400, "Bad Request (field too long)");
		return 0;
	}
	if (up->star) {
		apply_star(reg, up, out);
		return 0;
	}
	if (up->n_contacts > reg->p.max_contacts) {
		set_outcome(out, 403, "Forbidden (too many contacts)");
		return 0;
	}
	if (up->n_contacts == 0) {
		set_outcome(out, 200, "OK"); /* a query (§10.3 step 8) */
		return 0;
	}
	for (i = 0; i < up->n_contacts; i++) {
		if (contact_expiry(&reg->p, up, &up->contacts[i]) < 0) {
			set_outcome(out, 423, "Interval Too Brief");
			out->min_expires = reg->p.min_expires;
			return 0;
		}
	}
	return apply_contacts(reg, up, now_ms, out);
}

/* Higher q first, then the most recently updated. */
static int
binding_order(const void *pa, const void *pb)
{
	const struct vg_reg_binding *a = pa, *b = pb;

	if (a->q != b->q)
		return a->q > b->q ? -1 : 1;
	if (a->updated_ms != b->updated_ms)
		return a->updated_ms > b->updated_ms ? -1 : 1;
	return strcmp(a->uri, b->uri);
}

size_t
vg_reg_lookup(const struct vg_registrar *reg, const char *aor, uint64_t now_ms,
		struct vg_reg_binding *out, size_t max)
{
	struct vg_reg_record *rec;
	size_t n = 0, i;

	if (reg == NULL || aor == NULL)
		return 0;
	rec = vg_reg_record_get((struct vg_registrar *)reg, aor, false);
	if (rec == NULL)
		return 0;
	for (i = 0; i < rec->n; i++) {
		if (rec->b[i].expires_ms <= now_ms)
			continue;
		if (n < max)
			out[n] = rec->b[i];
		n++;
	}
	if (out != NULL)
		qsort(out, n < max ? n : max, sizeof(*out), binding_order);
	return n;
}

size_t
vg_reg_sweep(struct vg_registrar *reg, uint64_t now_ms)
{
	size_t i, gone = 0;

	if (reg == NULL)
		return 0;
	for (i = 0; i < reg->n_bucket; i++) {
		struct vg_reg_record *rec = reg->bucket[i], *next;

		for (; rec != NULL; rec = next) {
			next = rec->next;
			gone += record_expire(reg, rec, now_ms);
			vg_reg_record_drop_empty(reg, rec);
		}
	}
	return gone;
}

size_t
vg_reg_count_aors(const struct vg_registrar *reg)
{
	return reg != NULL ? reg->n_aors : 0;
}

size_t
vg_reg_count_bindings(const struct vg_registrar *reg)
{
	return reg != NULL ? reg->n_bindings : 0;
}

void
vg_reg_foreach(const struct vg_registrar *reg, uint64_t now_ms,
		vg_reg_binding_h *h, void *arg)
{
	size_t i;
	uint32_t j;

	if (reg == NULL || h == NULL)
		return;
	for (i = 0; i < reg->n_bucket; i++) {
		const struct vg_reg_record *rec;

		for (rec = reg->bucket[i]; rec != NULL; rec = rec->next)
			for (j = 0; j < rec->n; j++)
				if (rec->b[j].expires_ms > now_ms &&
						!h(rec->aor, &rec->b[j], arg))
					return;
	}
}

bool
vg_reg_dirty(const struct vg_registrar *reg)
{
	return reg != NULL && reg->dirty;
}
