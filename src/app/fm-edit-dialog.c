/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-edit-dialog.c: change a sent transfer
 *
 * Filled from the transfer as it is; only what the user changed is sent
 * (a new subject must not send "days" and so reset the expiry). Save is
 * offered while the subject keeps the reference's limit.
 *
 * Days are counted from the sent date, as initialize's are (the
 * reference says only "How many days the transfer can be downloaded";
 * HACKING.md, "Where the reference is silent"): the spin button shows the
 * transfer's own number of days and the row the date it comes to.
 */
#define G_LOG_DOMAIN "fm-edit-dialog"

#include <glib/gi18n.h>

#include "fm-entry-row.h"
#include "fm-a11y.h"
#include "fm-edit-dialog.h"
#include "fm-format.h"
#include "fm-transfer-options.h"

struct _FmEditDialog
{
  AdwMessageDialog  parent_instance;

  FmEntryRow      *subject_row;
  AdwActionRow     *days_row;
  GtkSpinButton    *days_spin;
  GtkSwitch        *notify_switch;
  GtkTextView      *message_view;

  /* as the dialog opened */
  char             *was_subject;
  char             *was_message;
  int               was_days;
  gint64            sent;          /* unix seconds; 0: unknown (days from now) */
  gboolean          was_notify;
  char             *message;       /* what get_update hands out */
};

G_DEFINE_FINAL_TYPE (FmEditDialog, fm_edit_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
subject_changed_cb (FmEditDialog *self)
{
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "save",
    fm_transfer_check_subject (gtk_editable_get_text (GTK_EDITABLE (self->subject_row)), NULL));
}

static gint64
days_end (FmEditDialog *self,
          int           days)
{
  gint64 from = self->sent > 0 ? self->sent : g_get_real_time () / G_USEC_PER_SEC;

  return from + (gint64) days * 86400;
}

/* Whether the chosen number of days ends the transfer as soon as it is
 * saved (counted from the sent date, it lies in the past). */
gboolean
fm_edit_dialog_expires_at_once (FmEditDialog *self)
{
  int days = gtk_spin_button_get_value_as_int (self->days_spin);

  return days != self->was_days && days_end (self, days) <= g_get_real_time () / G_USEC_PER_SEC;
}

/* "Available until 30 December 2026, 14:05": what the number means */
static void
days_changed_cb (FmEditDialog *self)
{
  int days = gtk_spin_button_get_value_as_int (self->days_spin);
  g_autofree char *date = fm_format_date (days_end (self, days));
  g_autofree char *sent = self->sent > 0 ? fm_format_date (self->sent) : NULL;
  g_autofree char *text = NULL;

  if (fm_edit_dialog_expires_at_once (self))
    text = g_strdup_printf (_("Expires at once: %d days from when it was sent (%s) have passed"), days, sent);
  else
    text = g_strdup_printf (_("Available until %s"), date);
  adw_action_row_set_subtitle (self->days_row, text);
}

/* Fills @update with what changed (its strings belong to the dialog);
 * FALSE when nothing did. */
gboolean
fm_edit_dialog_get_update (FmEditDialog     *self,
                           FmTransferUpdate *update)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->message_view);
  const char *subject = gtk_editable_get_text (GTK_EDITABLE (self->subject_row));
  int days = gtk_spin_button_get_value_as_int (self->days_spin);
  gboolean notify = gtk_switch_get_active (self->notify_switch);
  GtkTextIter start, end;

  *update = (FmTransferUpdate) FM_TRANSFER_UPDATE_INIT;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  g_free (self->message);
  self->message = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (g_strcmp0 (subject, self->was_subject) != 0)
    update->subject = subject;
  if (g_strcmp0 (self->message, self->was_message) != 0)
    update->message = self->message;
  if (days != self->was_days)
    update->days = days;
  if (notify != self->was_notify)
    update->notify = notify;
  return update->subject != NULL || update->message != NULL || update->days >= 0 || update->notify >= 0;
}

static void
fm_edit_dialog_finalize (GObject *object)
{
  FmEditDialog *self = FM_EDIT_DIALOG (object);

  g_free (self->was_subject);
  g_free (self->was_message);
  g_free (self->message);
  G_OBJECT_CLASS (fm_edit_dialog_parent_class)->finalize (object);
}

static void
fm_edit_dialog_class_init (FmEditDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = fm_edit_dialog_finalize;
  g_type_ensure (FM_TYPE_ENTRY_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, "/com/filemail/Desktop/fm-edit-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FmEditDialog, subject_row);
  gtk_widget_class_bind_template_child (widget_class, FmEditDialog, days_row);
  gtk_widget_class_bind_template_child (widget_class, FmEditDialog, days_spin);
  gtk_widget_class_bind_template_child (widget_class, FmEditDialog, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, FmEditDialog, message_view);
  gtk_widget_class_bind_template_callback (widget_class, subject_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, days_changed_cb);
}

static void
fm_edit_dialog_init (FmEditDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

FmEditDialog *
fm_edit_dialog_new (GtkWindow  *parent,
                    FmTransfer *transfer)
{
  FmEditDialog *self = g_object_new (FM_TYPE_EDIT_DIALOG, "transient-for", parent, "modal", TRUE, NULL);

  gint64 sent = fm_transfer_get_sent_date (transfer);
  gint64 expire = fm_transfer_get_expire_date (transfer);
  gint64 span = expire - (sent > 0 ? sent : g_get_real_time () / G_USEC_PER_SEC);
  const char *subject = fm_transfer_get_subject (transfer);
  const char *message = fm_transfer_get_message (transfer);

  self->sent = sent > 0 && sent < expire ? sent : 0;
  gtk_spin_button_set_range (self->days_spin, 1, FM_TRANSFER_DAYS_MAX);
  /* the transfer's own number of days, as initialize counted them */
  self->was_days = (int) CLAMP ((span + 86399) / 86400, 1, FM_TRANSFER_DAYS_MAX);
  self->was_subject = g_strdup (subject != NULL ? subject : "");
  self->was_message = g_strdup (message != NULL ? message : "");
  self->was_notify = fm_transfer_get_notify (transfer);
  gtk_editable_set_text (GTK_EDITABLE (self->subject_row), self->was_subject);
  gtk_spin_button_set_value (self->days_spin, self->was_days);
  days_changed_cb (self);
  gtk_switch_set_active (self->notify_switch, self->was_notify);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->message_view), self->was_message, -1);
  fm_a11y_name_tree (GTK_WIDGET (self));
  return self;
}
