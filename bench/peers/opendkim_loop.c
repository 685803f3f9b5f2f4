/*
 * opendkim_loop: verify every message of an mbox with libopendkim, in one process.
 *
 *     opendkim_loop MBOX HOST:PORT NOW
 *     opendkim_loop --version        (libopendkim's, e.g. 2.11.0)
 *
 * The peer runner for OpenDKIM in bench/run.py (which compiles it into bench/out/).
 * The mbox is read line by line as analyzer/sources.py reads it: an entry starts at a
 * "From " line at the start of the file or after an empty line, the empty line before the
 * next entry is the mbox's, ">From " lines are unquoted by one ">" (mboxrd). Each message
 * is handed to libopendkim whole, with CRLF line endings, as an MTA would.
 *
 * DNS: libopendkim's own resolver (res_ninit + res_nsend) takes its servers from
 * /etc/resolv.conf, and dkim_dns_nslist() cannot give a port (and does nothing on glibc,
 * which has no res_setservers). So this program installs its own query service through the
 * dkim_dns_set_* hooks: a glibc resolver state whose one server is HOST:PORT (glibc honours
 * the port of nsaddr_list), asked synchronously with res_nmkquery + res_nsend (EDNS0 on,
 * TCP when an answer comes back truncated), no cache: every key is asked from the loopback
 * server like the other programs'.
 *
 * NOW is the Unix time t= and x= are judged by (DKIM_OPTS_FIXEDTIME).
 *
 * Output, per signature, in header order (libopendkim verifies all of a message's
 * signatures):  MESSAGE<TAB>SIGNATURE<TAB>d=<TAB>s=<TAB>pass|fail<TAB>libopendkim's reason
 * and last:     summary messages=N signatures=N pass=N fail=N
 */

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <opendkim/dkim.h>

static struct sockaddr_in nameserver;

struct query {
	int length; /* of the reply, or -1 */
};

static int dns_init(void **srv) {
	struct __res_state *res = calloc(1, sizeof *res);
	if (res == NULL || res_ninit(res) != 0)
		return -1;
	res->nscount = 1;
	res->nsaddr_list[0] = nameserver;
	res->options |= RES_USE_EDNS0;
	res->options &= ~(RES_DNSRCH | RES_DEFNAMES);
	*srv = res;
	return 0;
}

static void dns_close(void *srv) {
	res_nclose(srv);
	free(srv);
}

static int dns_start(void *srv, int type, unsigned char *name, unsigned char *buf,
                     size_t buflen, void **qh) {
	unsigned char question[NS_MAXMSG];
	struct query *q = malloc(sizeof *q);
	int n;

	if (q == NULL)
		return DKIM_DNS_ERROR;
	n = res_nmkquery(srv, ns_o_query, (char *) name, ns_c_in, type, NULL, 0, NULL,
	                 question, sizeof question);
	q->length = n < 0 ? -1 : res_nsend(srv, question, n, buf, (int) buflen);
	*qh = q;
	return DKIM_DNS_SUCCESS;
}

static int dns_cancel(void *srv, void *qh) {
	(void) srv;
	free(qh);
	return DKIM_DNS_SUCCESS;
}

static int dns_wait(void *srv, void *qh, struct timeval *timeout, size_t *bytes, int *error,
                    int *dnssec) {
	struct query *q = qh;
	(void) srv;
	(void) timeout;
	if (dnssec != NULL)
		*dnssec = DKIM_DNSSEC_UNKNOWN;
	if (q->length < 0) {
		if (error != NULL)
			*error = -1;
		return DKIM_DNS_ERROR;
	}
	if (bytes != NULL)
		*bytes = (size_t) q->length;
	return DKIM_DNS_SUCCESS;
}

/* Append one mbox line (with its LF, if any) to the message: unquoted, LF -> CRLF. */
static void append(char **message, size_t *length, size_t *capacity, const char *line, size_t n) {
	if (n > 0 && line[0] == '>') {
		size_t j = 0;
		while (j < n && line[j] == '>')
			j++;
		if (n - j >= 5 && memcmp(line + j, "From ", 5) == 0) {
			line++; /* mboxrd: drop one '>' */
			n--;
		}
	}
	if (*length + n + 2 > *capacity) {
		*capacity = 2 * (*length + n + 2);
		*message = realloc(*message, *capacity);
		if (*message == NULL) {
			perror("realloc");
			exit(2);
		}
	}
	bool lf = n > 0 && line[n - 1] == '\n';
	size_t text = lf ? n - 1 : n;
	memcpy(*message + *length, line, text);
	*length += text;
	if (lf) {
		if (text == 0 || line[text - 1] != '\r')
			(*message)[(*length)++] = '\r';
		(*message)[(*length)++] = '\n';
	}
}

/* Verify one message and print each signature's verdict; count them. */
static void verify(DKIM_LIB *lib, long index, char *message, size_t length, long *signatures,
                   long *passed, long *failed) {
	char id[32];
	snprintf(id, sizeof id, "m%ld", index);
	DKIM_STAT status;
	DKIM *dkim = dkim_verify(lib, (unsigned char *) id, NULL, &status);
	if (dkim == NULL) {
		fprintf(stderr, "dkim_verify: %s\n", dkim_getresultstr(status));
		exit(2);
	}
	status = dkim_chunk(dkim, (unsigned char *) message, length);
	if (status == DKIM_STAT_OK)
		status = dkim_chunk(dkim, NULL, 0);
	if (status == DKIM_STAT_OK)
		status = dkim_eom(dkim, NULL);
	DKIM_SIGINFO **sigs = NULL;
	int count = 0;
	if (dkim_getsiglist(dkim, &sigs, &count) != DKIM_STAT_OK)
		count = 0;
	for (int i = 0; i < count; i++) {
		bool pass = DKIM_SIG_CHECK(sigs[i]);
		int error = dkim_sig_geterror(sigs[i]);
		const char *reason = "";
		if (!pass && dkim_sig_getbh(sigs[i]) == DKIM_SIGBH_MISMATCH)
			reason = "body hash mismatch";
		else if (!pass && error != DKIM_SIGERROR_OK && dkim_sig_geterrorstr(error) != NULL)
			reason = dkim_sig_geterrorstr(error);
		else if (!pass)
			reason = dkim_getresultstr(status);
		unsigned char *d = dkim_sig_getdomain(sigs[i]), *s = dkim_sig_getselector(sigs[i]);
		printf("%ld\t%d\t%s\t%s\t%s\t%s\n", index, i, d ? (char *) d : "", s ? (char *) s : "",
		       pass ? "pass" : "fail", reason);
		++*signatures;
		++*(pass ? passed : failed);
	}
	dkim_free(dkim);
}

int main(int argc, char **argv) {
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		uint32_t v = dkim_libversion();
		printf("%u.%u.%u\n", v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff);
		return 0;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: %s MBOX HOST:PORT NOW\n", argv[0]);
		return 2;
	}
	char host[64];
	const char *colon = strrchr(argv[2], ':');
	if (colon == NULL || (size_t) (colon - argv[2]) >= sizeof host) {
		fprintf(stderr, "bad nameserver %s\n", argv[2]);
		return 2;
	}
	memcpy(host, argv[2], (size_t) (colon - argv[2]));
	host[colon - argv[2]] = '\0';
	nameserver.sin_family = AF_INET;
	nameserver.sin_port = htons((uint16_t) atoi(colon + 1));
	if (inet_pton(AF_INET, host, &nameserver.sin_addr) != 1) {
		fprintf(stderr, "bad nameserver address %s\n", host);
		return 2;
	}
	uint64_t now = strtoull(argv[3], NULL, 10);

	FILE *mbox = fopen(argv[1], "rb");
	if (mbox == NULL) {
		perror(argv[1]);
		return 2;
	}

	DKIM_LIB *lib = dkim_init(NULL, NULL);
	if (lib == NULL) {
		fprintf(stderr, "dkim_init failed\n");
		return 2;
	}
	if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FIXEDTIME, &now, sizeof now) != DKIM_STAT_OK) {
		fprintf(stderr, "DKIM_OPTS_FIXEDTIME refused\n");
		return 2;
	}
	dkim_dns_set_query_service(lib, NULL);
	dkim_dns_set_init(lib, dns_init);
	dkim_dns_set_close(lib, dns_close);
	dkim_dns_set_query_start(lib, dns_start);
	dkim_dns_set_query_cancel(lib, dns_cancel);
	dkim_dns_set_query_waitreply(lib, dns_wait);
	if (dkim_dns_init(lib) != DKIM_DNS_SUCCESS) {
		fprintf(stderr, "resolver initialisation failed\n");
		return 2;
	}

	char *message = NULL, *line = NULL;
	size_t length = 0, capacity = 0, line_capacity = 0;
	long messages = 0, signatures = 0, passed = 0, failed = 0;
	bool in_message = false, blank = false; /* an empty line is held until we know whose it is */
	ssize_t n;
	for (;;) {
		n = getline(&line, &line_capacity, mbox);
		bool from = n >= 5 && memcmp(line, "From ", 5) == 0 && (blank || !in_message);
		if (n < 0 || from) {
			if (in_message)
				verify(lib, messages++, message, length, &signatures, &passed, &failed);
			if (n < 0)
				break;
			in_message = true, blank = false, length = 0;
			continue; /* the envelope "From " line is not the message's */
		}
		if (!in_message)
			continue; /* bytes before the first "From " line: not a message */
		if (blank)
			append(&message, &length, &capacity, "\n", 1);
		blank = n == 1 && line[0] == '\n';
		if (!blank)
			append(&message, &length, &capacity, line, (size_t) n);
	}
	printf("summary messages=%ld signatures=%ld pass=%ld fail=%ld\n", messages, signatures, passed,
	       failed);
	dkim_close(lib);
	return 0;
}
