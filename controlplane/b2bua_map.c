/* SPDX-License-Identifier: BSD-3-Clause */
/** @file B2BUA call causes and the mapping of B's failures to A. */
#include <errno.h>

#include "vg_b2bua.h"

static const char *const cause_names[VG_CAUSE_COUNT] = {
		[VG_CAUSE_NORMAL_A] = "normal_a",
		[VG_CAUSE_NORMAL_B] = "normal_b",
		[VG_CAUSE_CANCELLED] = "cancelled",
		[VG_CAUSE_REJECTED] = "rejected",
		[VG_CAUSE_NO_ANSWER] = "no_answer",
		[VG_CAUSE_UNREACHABLE] = "unreachable",
		[VG_CAUSE_MEDIA] = "media",
		[VG_CAUSE_ERROR] = "error",
		[VG_CAUSE_SHUTDOWN] = "shutdown",
		[VG_CAUSE_MEDIA_TIMEOUT] = "media_timeout",
		[VG_CAUSE_SESSION_TIMER] = "session_timer",
};

const char *
vg_call_cause_name(enum vg_call_cause cause)
{
	return (unsigned)cause < VG_CAUSE_COUNT ? cause_names[cause] : "?";
}

/* Reason phrases of the statuses we send ourselves (RFC 3261 §21). */
static const char *
reason_of(uint16_t scode)
{
	switch (scode) {
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 408:
		return "Request Timeout";
	case 480:
		return "Temporarily Unavailable";
	case 486:
		return "Busy Here";
	case 487:
		return "Request Terminated";
	case 488:
		return "Not Acceptable Here";
	case 500:
		return "Server Internal Error";
	case 502:
		return "Bad Gateway";
	case 600:
		return "Busy Everywhere";
	case 603:
		return "Decline";
	case 604:
		return "Does Not Exist Anywhere";
	case 606:
		return "Not Acceptable";
	default:
		break;
	}
	if (scode >= 600)
		return "Global Failure";
	if (scode >= 500)
		return "Server Error";
	return "Request Failure";
}

uint16_t
vg_b2bua_map_failure(uint16_t b_scode, int b_err, const char **reason,
		enum vg_call_cause *cause)
{
	uint16_t a = b_scode;
	enum vg_call_cause c = VG_CAUSE_REJECTED;

	if (b_scode == 0 || b_scode < 300 || b_scode > 699) {
		if (b_err == ETIMEDOUT) {
			a = 408;
			c = VG_CAUSE_NO_ANSWER;
		} else {
			a = 502;
			c = VG_CAUSE_UNREACHABLE;
		}
	} else if (b_scode < 400) {
		a = 480; /* redirections are not followed (yet) */
	} else if (b_scode == 401 || b_scode == 407) {
		a = 403;
	} else if (b_scode == 503) {
		a = 500;
	}
	if (reason != NULL)
		*reason = reason_of(a);
	if (cause != NULL)
		*cause = c;
	return a;
}
