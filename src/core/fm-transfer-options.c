/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-options.c: a new transfer's fields and their rules */
#define G_LOG_DOMAIN "fm-transfer-options"

#include <glib/gi18n-lib.h>

#include "fm-format.h"
#include "fm-transfer-options.h"

G_DEFINE_QUARK (fm-options-error-quark, fm_options_error)

G_DEFINE_BOXED_TYPE (FmTransferOptions, fm_transfer_options,
                     fm_transfer_options_copy, fm_transfer_options_free)

FmTransferOptions *
fm_transfer_options_new (void)
{
  FmTransferOptions *options = g_new0 (FmTransferOptions, 1);

  options->transfer_size = -1;
  options->notify = FM_OPTION_UNSET;
  options->confirmation = FM_OPTION_UNSET;
  return options;
}

FmTransferOptions *
fm_transfer_options_copy (const FmTransferOptions *options)
{
  FmTransferOptions *copy = g_memdup2 (options, sizeof *options);

  copy->to = g_strdup (options->to);
  copy->from = g_strdup (options->from);
  copy->subject = g_strdup (options->subject);
  copy->message = g_strdup (options->message);
  copy->password = g_strdup (options->password);
  return copy;
}

void
fm_transfer_options_free (FmTransferOptions *options)
{
  if (options == NULL)
    return;
  g_free (options->to);
  g_free (options->from);
  g_free (options->subject);
  g_free (options->message);
  g_free (options->password);
  g_free (options);
}

/* The reference: "subject: max 200 characters". NULL is no subject. */
gboolean
fm_transfer_check_subject (const char  *subject,
                           GError     **error)
{
  G_STATIC_ASSERT (FM_SUBJECT_MAX_CHARS == 200);   /* the sentence says 200 */

  if (subject == NULL || g_utf8_strlen (subject, -1) <= FM_SUBJECT_MAX_CHARS)
    return TRUE;
  g_set_error_literal (error, FM_OPTIONS_ERROR, FM_OPTIONS_ERROR_SUBJECT,
                       _("The subject can have at most 200 characters."));
  return FALSE;
}

/* 0 is the account's default; otherwise at least a day. The reference
 * names no maximum: FM_TRANSFER_DAYS_MAX only stops absurd numbers, the
 * server says what the account allows. */
gboolean
fm_transfer_check_days (int      days,
                        GError **error)
{
  if (days >= 0 && days <= FM_TRANSFER_DAYS_MAX)
    return TRUE;
  g_set_error (error, FM_OPTIONS_ERROR, FM_OPTIONS_ERROR_DAYS,
               _("A transfer can be kept from 1 to %d days."), FM_TRANSFER_DAYS_MAX);
  return FALSE;
}

/* "to": comma-separated addresses, or (@logged_in) a contact group's
 * name; NULL or "" is a link-only transfer. */
gboolean
fm_transfer_check_recipients (const char  *to,
                              gboolean     logged_in,
                              GError     **error)
{
  g_autofree char *bad = NULL;

  if (to == NULL || fm_recipients_validate (to, logged_in, &bad))
    return TRUE;
  if (fm_recipients_is_group (to))
    g_set_error (error, FM_OPTIONS_ERROR, FM_OPTIONS_ERROR_GROUP_NEEDS_LOGIN,
                 _("“%s” is not an e-mail address. Log in to send to a contact group."), to);
  else
    g_set_error (error, FM_OPTIONS_ERROR, FM_OPTIONS_ERROR_TO,
                 _("“%s” is not an e-mail address."), bad != NULL ? bad : to);
  return FALSE;
}

/* "from" is optional (NULL or ""); given, it must be an address. */
gboolean
fm_transfer_check_sender (const char  *from,
                          GError     **error)
{
  if (from == NULL || *from == '\0' || fm_email_is_valid (from))
    return TRUE;
  g_set_error (error, FM_OPTIONS_ERROR, FM_OPTIONS_ERROR_FROM, _("“%s” is not an e-mail address."), from);
  return FALSE;
}

/* Whether @options may go to /api/transfer/initialize; @logged_in: "to"
 * may name one of the sender's contact groups. The first broken rule is
 * the error. */
gboolean
fm_transfer_options_validate (const FmTransferOptions  *options,
                              gboolean                  logged_in,
                              GError                  **error)
{
  return fm_transfer_check_recipients (options->to, logged_in, error) &&
         fm_transfer_check_sender (options->from, error) &&
         fm_transfer_check_subject (options->subject, error) &&
         fm_transfer_check_days (options->days, error);
}
