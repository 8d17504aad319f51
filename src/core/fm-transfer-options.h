/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-options.h: what a new transfer says about itself, and the
 * rules it must keep (the one home of them, for the CLI and the app)
 *
 * The reference's limits: a subject of at most 200 characters; "to" is
 * comma-separated e-mail addresses, or a contact group's name when logged
 * in; "from" is optional but must be an address when given; a transfer is
 * kept for a number of days the reference does not bound (0 here: not
 * sent, "Set to default value of account if not specified"); notify and
 * confirmation are sent only when the user chose them (-1: the account's).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FM_SUBJECT_MAX_CHARS 200
/* No limit of the reference: where this client stops taking numbers
 * (ten years), so that a typo of 1e9 never reaches the server. */
#define FM_TRANSFER_DAYS_MAX 3650
#define FM_OPTION_UNSET (-1)

typedef struct {
  char     *to;            /* comma-separated; NULL or "" for a link-only transfer */
  char     *from;
  char     *subject;
  char     *message;
  char     *password;
  int       days;          /* 0: the account's default */
  int       notify;        /* TRUE, FALSE, or FM_OPTION_UNSET: not sent */
  int       confirmation;  /* the same */
  gint64    transfer_size; /* -1: not sent */
} FmTransferOptions;

#define FM_OPTIONS_ERROR (fm_options_error_quark ())
GQuark fm_options_error_quark (void);

/* Which rule a value breaks; the GError's message is a sentence. */
typedef enum {
  FM_OPTIONS_ERROR_TO,                 /* a recipient is not an e-mail address */
  FM_OPTIONS_ERROR_GROUP_NEEDS_LOGIN,  /* a contact group, logged out */
  FM_OPTIONS_ERROR_FROM,               /* the sender is not an e-mail address */
  FM_OPTIONS_ERROR_SUBJECT,            /* longer than FM_SUBJECT_MAX_CHARS */
  FM_OPTIONS_ERROR_DAYS,               /* outside 1..FM_TRANSFER_DAYS_MAX */
} FmOptionsError;

#define FM_TYPE_TRANSFER_OPTIONS (fm_transfer_options_get_type ())
GType              fm_transfer_options_get_type (void) G_GNUC_CONST;
FmTransferOptions *fm_transfer_options_new      (void);
FmTransferOptions *fm_transfer_options_copy     (const FmTransferOptions *options);
void               fm_transfer_options_free     (FmTransferOptions       *options);
gboolean           fm_transfer_options_validate (const FmTransferOptions *options,
                                                 gboolean                 logged_in,
                                                 GError                 **error);
gboolean           fm_transfer_check_recipients (const char            *to,
                                                 gboolean                 logged_in,
                                                 GError                 **error);
gboolean           fm_transfer_check_sender     (const char              *from,
                                                 GError                 **error);
gboolean           fm_transfer_check_subject    (const char              *subject,
                                                 GError                 **error);
gboolean           fm_transfer_check_days       (int                      days,
                                                 GError                 **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmTransferOptions, fm_transfer_options_free)

G_END_DECLS
