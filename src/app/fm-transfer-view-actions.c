/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-transfer-view-actions.c: what FmTransferView asks before it acts:
 * forward, edit (with the expiry's date, and a question when it would end
 * the transfer at once), delete, rename and remove a file. Each answer
 * goes through _fm_transfer_view_operation_done_cb. */
#define G_LOG_DOMAIN "fm-transfer-view"

#include <glib/gi18n.h>

#include "fm-edit-dialog.h"
#include "fm-error.h"
#include "fm-format.h"
#include "fm-transfer-file.h"
#include "fm-transfer-view-private.h"

/* ------------------------------------------------------------ dialogs */

static AdwMessageDialog *
new_dialog (FmTransferView *self,
            const char     *heading,
            const char     *body,
            const char     *response_id,
            const char     *response_label,
            AdwResponseAppearance appearance)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (_fm_transfer_view_window (self), heading, body));

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), response_id, response_label, NULL);
  adw_message_dialog_set_response_appearance (dialog, response_id, appearance);
  adw_message_dialog_set_default_response (dialog, response_id);
  adw_message_dialog_set_close_response (dialog, "cancel");
  return dialog;
}

static GtkWidget *
dialog_entry (AdwMessageDialog *dialog,
              const char       *accessible_label,
              const char       *text)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_text (GTK_EDITABLE (entry), text ? text : "");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  return entry;
}

/* Forward: the addresses are checked as the Send form checks them. */
static void
forward_changed_cb (GtkEditable      *entry,
                    AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "forward",
                                           fm_email_list_validate (gtk_editable_get_text (entry), NULL) &&
                                           *gtk_editable_get_text (entry) != '\0');
}

static void
forward_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     FmTransferView   *self)
{
  GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);

  if (g_str_equal (response, "forward"))
    fm_transfer_view_forward (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

void
_fm_transfer_view_forward_action (GtkWidget  *widget,
                const char *name,
                GVariant   *parameter)
{
  FmTransferView *self = FM_TRANSFER_VIEW (widget);
  AdwMessageDialog *dialog = new_dialog (self, _("Forward Transfer"),
                                         _("The recipients get an e-mail with the link."),
                                         "forward", _("_Forward"), ADW_RESPONSE_SUGGESTED);
  GtkWidget *entry = dialog_entry (dialog, _("Recipients (e-mail addresses, separated by commas)"), NULL);

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("name@example.com, …"));
  g_signal_connect (entry, "changed", G_CALLBACK (forward_changed_cb), dialog);
  forward_changed_cb (GTK_EDITABLE (entry), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (forward_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
send_edit (FmTransferView         *self,
           const FmTransferUpdate *update_in)
{
  FmTransferUpdate update = *update_in;
  Operation *op;

  op = _fm_transfer_view_operation_start (self, fm_client_transfer_update_finish, _("Transfer changed"), FALSE);
  /* transfer/get's answer has no subject: the accepted one is shown */
  op->new_subject = g_strdup (update.subject);
  fm_client_transfer_update_async (_fm_transfer_view_client (self), fm_transfer_get_id (self->summary), &update, NULL,
                                   _fm_transfer_view_operation_done_cb, op);
}

/* An edit waiting for "Expire Now": its own copy of the fields (the
 * edit dialog is gone by then). */
typedef struct {
  char *subject;
  char *message;
  int   days;
  int   notify;
} PendingEdit;

static void
pending_edit_free (PendingEdit *edit)
{
  g_free (edit->subject);
  g_free (edit->message);
  g_free (edit);
}

static void
expire_now_response_cb (AdwMessageDialog *confirm,
                        const char       *response,
                        FmTransferView   *self)
{
  PendingEdit *edit = g_object_get_data (G_OBJECT (confirm), "fm-edit");
  FmTransferUpdate update = { edit->subject, edit->message, edit->days, edit->notify };

  if (g_str_equal (response, "expire"))
    send_edit (self, &update);
}

static void
edit_response_cb (FmEditDialog   *dialog,
                  const char     *response,
                  FmTransferView *self)
{
  AdwMessageDialog *confirm;
  FmTransferUpdate update;
  PendingEdit *edit;

  if (!g_str_equal (response, "save"))
    return;
  if (!fm_edit_dialog_get_update (dialog, &update))
    {
      _fm_transfer_view_toast (self, _("Nothing was changed"));
      return;
    }
  if (!fm_edit_dialog_expires_at_once (dialog))
    {
      send_edit (self, &update);
      return;
    }
  edit = g_new0 (PendingEdit, 1);
  edit->subject = g_strdup (update.subject);
  edit->message = g_strdup (update.message);
  edit->days = update.days;
  edit->notify = update.notify;
  /* days count from the sent date: a small number can end it now */
  confirm = new_dialog (self, _("Expire the Transfer Now?"),
                        _("That many days from when it was sent have already passed: nobody will be able to "
                          "download the files any more."),
                        "expire", _("_Expire Now"), ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (confirm, "cancel");
  g_object_set_data_full (G_OBJECT (confirm), "fm-edit", edit, (GDestroyNotify) pending_edit_free);
  g_signal_connect_object (confirm, "response", G_CALLBACK (expire_now_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (confirm));
}

void
_fm_transfer_view_edit_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  FmTransferView *self = FM_TRANSFER_VIEW (widget);
  FmEditDialog *dialog = fm_edit_dialog_new (_fm_transfer_view_window (self), self->transfer ? self->transfer : self->summary);

  g_signal_connect_object (dialog, "response", G_CALLBACK (edit_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    FmTransferView   *self)
{
  if (g_str_equal (response, "delete"))
    fm_client_transfer_delete_async (_fm_transfer_view_client (self), fm_transfer_get_id (self->summary), NULL,
                                     _fm_transfer_view_operation_done_cb, _fm_transfer_view_operation_start (self, fm_client_transfer_delete_finish, _("Transfer deleted"), TRUE));
}

void
_fm_transfer_view_delete_action (GtkWidget  *widget,
               const char *name,
               GVariant   *parameter)
{
  FmTransferView *self = FM_TRANSFER_VIEW (widget);
  const char *subject = fm_transfer_get_subject (self->summary);
  g_autofree char *body = g_strdup_printf (_("“%s” and its files are deleted from Filemail for good; its link stops working. This cannot be undone."),
                                           subject && *subject ? subject : _("No subject"));
  AdwMessageDialog *dialog = new_dialog (self, _("Delete Transfer?"), body, "delete", _("_Delete"),
                                         ADW_RESPONSE_DESTRUCTIVE);

  adw_message_dialog_set_default_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Rename: the reference forbids < > : " / \ | ? * in file names. */
static void
rename_changed_cb (GtkEditable      *entry,
                   AdwMessageDialog *dialog)
{
  const char *name = gtk_editable_get_text (entry);

  adw_message_dialog_set_response_enabled (dialog, "rename", fm_filename_is_valid_for_rename (name));
  adw_message_dialog_set_body (dialog, fm_filename_is_valid_for_rename (name) || *name == '\0'
                               ? _("The recipients see the new name.")
                               : _("A file name cannot contain < > : \" / \\ | ? or *."));
}

static void
rename_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    FmTransferView   *self)
{
  FmFileRow *row = g_object_get_data (G_OBJECT (dialog), "fm-row");
  const char *name = gtk_editable_get_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)));
  g_autofree char *message = g_strdup_printf (_("Renamed to “%s”"), name);

  if (g_str_equal (response, "rename"))
    fm_client_file_rename_async (_fm_transfer_view_client (self), fm_transfer_file_get_id (fm_file_row_get_file (row)), name, NULL,
                                 _fm_transfer_view_operation_done_cb, _fm_transfer_view_operation_start (self, fm_client_file_rename_finish, message, FALSE));
}

void
_fm_transfer_view_file_rename_cb (FmFileRow      *row,
                FmTransferView *self)
{
  AdwMessageDialog *dialog = new_dialog (self, _("Rename File"), NULL, "rename", _("_Rename"),
                                         ADW_RESPONSE_SUGGESTED);
  GtkWidget *entry = dialog_entry (dialog, _("New File Name"),
                                   fm_transfer_file_get_filename (fm_file_row_get_file (row)));

  g_object_set_data_full (G_OBJECT (dialog), "fm-row", g_object_ref (row), g_object_unref);
  g_signal_connect (entry, "changed", G_CALLBACK (rename_changed_cb), dialog);
  rename_changed_cb (GTK_EDITABLE (entry), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (rename_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    FmTransferView   *self)
{
  FmFileRow *row = g_object_get_data (G_OBJECT (dialog), "fm-row");

  /* file/delete, then /api/ziptransfer as the reference asks */
  if (g_str_equal (response, "remove"))
    fm_client_file_remove_async (_fm_transfer_view_client (self), fm_transfer_get_id (self->summary),
                                 fm_transfer_file_get_id (fm_file_row_get_file (row)), NULL,
                                 _fm_transfer_view_operation_done_cb, _fm_transfer_view_operation_start (self, fm_client_file_remove_finish, _("File removed"), FALSE));
}

void
_fm_transfer_view_file_remove_cb (FmFileRow      *row,
                FmTransferView *self)
{
  const char *name = fm_transfer_file_get_filename (fm_file_row_get_file (row));
  g_autofree char *body = g_strdup_printf (_("“%s” is deleted from this transfer; the rest stays."), name);
  AdwMessageDialog *dialog = new_dialog (self, _("Remove File?"), body, "remove", _("_Remove"),
                                         ADW_RESPONSE_DESTRUCTIVE);

  adw_message_dialog_set_default_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "fm-row", g_object_ref (row), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}


/* Links: the transfer leaves this computer's list; the transfer itself
 * stays. The window's toast offers Undo. */
void
_fm_transfer_view_forget_action (GtkWidget  *widget,
                                 const char *name,
                                 GVariant   *parameter)
{
  FmTransferView *self = FM_TRANSFER_VIEW (widget);
  FmLinkHistory *history = fm_session_get_link_history (self->session);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (self->summary == NULL || history == NULL)
    return;
  id = g_strdup (fm_transfer_get_id (self->summary));
  if (!fm_link_history_forget (history, fm_client_get_base_url (_fm_transfer_view_client (self)), id, &error))
    {
      _fm_transfer_view_toast (self, error->message);
      return;
    }
  gtk_widget_activate_action (widget, "win.link-forgotten", "s", id);
}
