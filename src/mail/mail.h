/* mail.h — outgoing e-mail over SMTP with libcurl, for notifications that
 * any capability sends (campaign reminders, advisories). Plain UTF-8 text;
 * header values are checked so no caller can inject a header. */
#ifndef VARDE_MAIL_H
#define VARDE_MAIL_H
#include "core/err.h"

#define MAIL_SUBJECT_MAX 500
#define MAIL_BODY_MAX (64 * 1024)
#define MAIL_TIMEOUT_S 20

typedef struct MailConfig {
  const char *url;    /* smtp://host:port or smtps://host:port; NULL = mail is off */
  const char *from;   /* envelope and From: address */
} MailConfig;

/* 1 if s looks like one address (local@domain, printable, no spaces or <>). */
int mail_address_ok(const char *s);
/* Sends one message to one recipient. VERR_INVALID for a bad address or a
 * header with a line break, VERR_IO (message names the SMTP error) when the
 * server refuses or cannot be reached. */
int mail_send(const MailConfig *cfg, const char *to, const char *subject, const char *body, Err *e);

#endif
