/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-window.c: the main window: Send, Inbox and Outbox */
#define G_LOG_DOMAIN "fm-window"

#include <glib/gi18n.h>

#include "fm-error.h"
#include "fm-a11y.h"
#include "fm-send-page.h"
#include "fm-transfer-list.h"
#include "fm-file-row.h"
#include "fm-transfer-link.h"
#include "fm-operations-button.h"
#include "fm-window.h"

struct _FmWindow
{
  AdwApplicationWindow  parent_instance;

  FmSession            *session;
  GSettings            *settings;

  AdwToastOverlay      *toast_overlay;
  GPtrArray            *toasts;         /* shown or waiting their turn, in that order */
  gint64                shown_since;    /* when toasts[0] came on screen, µs */
  guint                 dismiss_timeout;
  AdwViewStack         *stack;
  AdwViewSwitcherTitle *switcher_title;
  GtkWidget            *back_button;
  FmOperationsButton   *operations_button;
  GtkWidget            *menu_button;
  GtkRevealer          *offline_revealer;
  GtkRevealer          *metered_revealer;
  gboolean              startup_framed;
  guint                 startup_rows;     /* FILEMAIL_DEBUG_STARTUP: rows at the last frame */
  FmAutomation         *automation;
  GNetworkMonitor      *monitor;        /* the session's, watched */
  GMenu                *account_menu;
  FmSendPage           *send_page;
  FmTransferList       *inbox_page;
  FmTransferList       *outbox_page;
  FmTransferList       *links_page;
};

G_DEFINE_FINAL_TYPE (FmWindow, fm_window, ADW_TYPE_APPLICATION_WINDOW)

static void
toast_dismissed_cb (AdwToast *toast,
                    FmWindow *self)
{
  gboolean was_shown = self->toasts->len > 0 && g_ptr_array_index (self->toasts, 0) == toast;

  g_signal_handlers_disconnect_by_func (toast, toast_dismissed_cb, self);
  g_ptr_array_remove (self->toasts, toast);
  /* the next one comes on screen now */
  if (was_shown)
    self->shown_since = g_get_monotonic_time ();
}

/* Every toast of the window is known until dismissed, so that an Undo
 * can go first. */
static void
show_toast (FmWindow *self,
            AdwToast *toast)
{
  if (self->toasts->len == 0)
    self->shown_since = g_get_monotonic_time ();
  g_ptr_array_add (self->toasts, g_object_ref (toast));
  g_signal_connect (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* win.toast(s): how any widget in the window tells the user something
 * brief, without knowing the window. */
static void
toast_action (GtkWidget  *widget,
              const char *name,
              GVariant   *param)
{
  /* libadwaita 1.2 toasts always parse markup; messages carry file names */
  g_autofree char *escaped = g_markup_escape_text (g_variant_get_string (param, NULL), -1);

  show_toast (FM_WINDOW (widget), adw_toast_new (escaped));
}

static void
zip_updated_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FmWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (fm_client_ziptransfer_finish (FM_CLIENT (source), result, &error))
    show_toast (self, adw_toast_new (_("The transfer’s ZIP file is up to date")));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("The transfer’s ZIP file could not be updated: %s"),
                                               fm_error_human_message (error));
      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
    }
}

/* win.update-zip(s): /api/ziptransfer again for a transfer whose file was
 * removed while the ZIP could not be updated */
static void
update_zip_action (GtkWidget  *widget,
                   const char *name,
                   GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);

  fm_client_ziptransfer_async (fm_session_get_client (self->session), g_variant_get_string (param, NULL), NULL,
                               zip_updated_cb, g_object_ref (self));
}

/* win.toast-retry-zip((ss)): the sentence, and Try Again for the transfer */
static void
toast_retry_zip_action (GtkWidget  *widget,
                        const char *name,
                        GVariant   *param)
{
  const char *message = NULL, *transfer_id = NULL;
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  g_variant_get (param, "(&s&s)", &message, &transfer_id);
  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 0);   /* stays until acted on or dismissed */
  adw_toast_set_button_label (toast, _("_Try Again"));
  adw_toast_set_action_name (toast, "win.update-zip");
  adw_toast_set_action_target_value (toast, g_variant_new_string (transfer_id));
  show_toast (FM_WINDOW (widget), toast);
}

/* A toast with its own button and signals (Undo), from a widget that
 * knows the window. */
/* libadwaita 1.2 frees a toast's slide-in animation while it still runs
 * when the toast is dismissed during it (the first 300 ms, 500 when it
 * replaces another), and the window crashes when the animation would have
 * ended. So the one on screen is dismissed only once it has been there
 * that long. */
#define TOAST_SETTLED_US (600 * G_TIME_SPAN_MILLISECOND)

/* Dismisses every toast but the newest: the waiting ones first (they have
 * no animation), the one on screen last, so that none comes on screen
 * only to be dismissed at once. */
static gboolean
dismiss_older (gpointer user_data)
{
  FmWindow *self = user_data;
  g_autoptr(GPtrArray) older = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 age = g_get_monotonic_time () - self->shown_since;

  self->dismiss_timeout = 0;
  if (self->toasts->len > 1 && age < TOAST_SETTLED_US)
    {
      self->dismiss_timeout = g_timeout_add ((guint) ((TOAST_SETTLED_US - age) / 1000) + 1, dismiss_older, self);
      return G_SOURCE_REMOVE;
    }
  /* a copy: each dismissal takes its toast out of self->toasts */
  for (guint i = 0; i + 1 < self->toasts->len; i++)
    g_ptr_array_add (older, g_object_ref (g_ptr_array_index (self->toasts, i)));
  for (guint i = older->len; i > 0; i--)
    adw_toast_dismiss (g_ptr_array_index (older, i - 1));
  return G_SOURCE_REMOVE;
}

/* A toast with Undo goes before older news, which is dismissed: toasts
 * wait their turn while the window is not in front. libadwaita 1.2's high
 * priority would push them back instead, and trips an assertion when a
 * pushed-back toast comes back. */
void
fm_window_add_toast (FmWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (FM_IS_WINDOW (self));
  show_toast (self, toast);
  g_clear_handle_id (&self->dismiss_timeout, g_source_remove);
  dismiss_older (self);
}

/* win.toast-files-saved((us)): "3 files saved", and Open Folder for the
 * folder they are in (after Download All) */
static void
toast_files_saved_action (GtkWidget  *widget,
                          const char *name,
                          GVariant   *param)
{
  guint32 n = 0;
  const char *folder = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;

  g_variant_get (param, "(u&s)", &n, &folder);
  text = g_strdup_printf (g_dngettext (NULL, "%u file saved", "%u files saved", n), n);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Open Folder"));
  adw_toast_set_action_name (toast, "win.open-folder");
  adw_toast_set_action_target_value (toast, g_variant_new_string (folder));
  show_toast (FM_WINDOW (widget), toast);
}

/* win.open-folder(s): a folder of this computer in the file manager */
static void
open_folder_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  g_autoptr(GFile) folder = g_file_new_for_path (g_variant_get_string (param, NULL));
  g_autofree char *uri = g_file_get_uri (folder);

  gtk_show_uri (GTK_WINDOW (widget), uri, GDK_CURRENT_TIME);
}

/* What the window's drop target does with @value, as a drop there would. */
static gboolean
emit_drop (FmWindow     *self,
           const GValue *value)
{
  GListModel *controllers = gtk_widget_observe_controllers (GTK_WIDGET (self));
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        g_signal_emit_by_name (controller, "drop", value, 0.0, 0.0, &handled);
    }
  g_object_unref (controllers);
  return handled;
}

/* for tests: what a drop of files on the window does */
gboolean
fm_window_drop_files (FmWindow *self,
                      GSList   *files)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  return emit_drop (self, &value);
}

/* for tests: what a drop of text (a link dragged from a mail) does */
gboolean
fm_window_drop_text (FmWindow   *self,
                     const char *text)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, text);
  return emit_drop (self, &value);
}

FmTransferList *
fm_window_get_transfer_list (FmWindow *self,
                             gboolean  sent)
{
  return sent ? self->outbox_page : self->inbox_page;
}

FmTransferList *
fm_window_get_links_list (FmWindow *self)
{
  return self->links_page;
}

/* ------------------------------------------------------------ links */

/* A Filemail link pasted, dropped, typed or given to the program: the
 * transfer opens on the Links page, logged in or not, and is remembered
 * there. Anything else is said in a sentence. */
gboolean
fm_window_open_link (FmWindow    *self,
                     const char  *text,
                     GError     **error)
{
  const char *base = fm_client_get_base_url (fm_session_get_client (self->session));
  FmLinkHistory *history = fm_session_get_link_history (self->session);
  g_autofree char *id = fm_transfer_link_parse (text, base, error);

  if (id == NULL)
    return FALSE;
  if (history != NULL && !fm_link_history_remember (history, base, id, NULL, error))
    return FALSE;
  adw_view_stack_set_visible_child_name (self->stack, "links");
  fm_transfer_list_refresh (self->links_page);
  fm_transfer_list_select_id (self->links_page, id);
  return TRUE;
}

static void
open_link_or_toast (FmWindow   *self,
                    const char *text)
{
  g_autoptr(GError) error = NULL;

  if (!fm_window_open_link (self, text, &error))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", error->message);
}

/* win.open-link-text(s): a link as text (Undo of Forget, tests) */
static void
open_link_text_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *param)
{
  open_link_or_toast (FM_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
link_entry_changed_cb (GtkEditable      *entry,
                       AdwMessageDialog *dialog)
{
  FmWindow *self = FM_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  const char *text = gtk_editable_get_text (entry);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = *text != '\0'
    ? fm_transfer_link_parse (text, fm_client_get_base_url (fm_session_get_client (self->session)), &error) : NULL;

  adw_message_dialog_set_response_enabled (dialog, "open", id != NULL);
  /* the reason, where the eyes are, as soon as there is one */
  adw_message_dialog_set_body (dialog, error != NULL ? error->message
                                       : _("Paste the link from the e-mail you received. No account is needed."));
}

static void
open_link_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       FmWindow         *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));

  if (g_str_equal (response, "open"))
    open_link_or_toast (self, gtk_editable_get_text (entry));
}

/* win.open-link (Ctrl+L): a dialog to paste or type a link in. */
static void
open_link_action (GtkWidget  *widget,
                  const char *name,
                  GVariant   *param)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (widget), _("Open a Filemail Link"),
                                                                         NULL));
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "https://www.filemail.com/d/…");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Filemail link"), -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "open", _("_Open"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "open", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "open");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (entry, "changed", G_CALLBACK (link_entry_changed_cb), dialog);
  link_entry_changed_cb (GTK_EDITABLE (entry), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (open_link_response_cb), widget, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* win.link-forgotten(s): Forget on the Links page, with Undo */
static void
link_forgotten_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  const char *id = g_variant_get_string (param, NULL);
  g_autofree char *link = fm_transfer_link_for_id (fm_client_get_base_url (fm_session_get_client (self->session)),
                                                   id);
  AdwToast *toast = adw_toast_new (_("The link was removed from Links"));

  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.open-link-text");
  adw_toast_set_action_target_value (toast, g_variant_new_string (link));
  fm_window_add_toast (self, toast);
}

GtkWidget *
fm_window_get_send_page (FmWindow *self)
{
  return GTK_WIDGET (self->send_page);
}

/* Files go to the Send page; web addresses among them (a link dropped
 * from a browser or a mail, `filemail-desktop https://…/d/ID`) open as
 * links. */
void
fm_window_add_files (FmWindow  *self,
                     GFile    **files,
                     guint      n_files)
{
  g_autoptr(GPtrArray) local = g_ptr_array_new ();

  for (guint i = 0; i < n_files; i++)
    {
      if (g_file_has_uri_scheme (files[i], "https") || g_file_has_uri_scheme (files[i], "http"))
        {
          g_autofree char *uri = g_file_get_uri (files[i]);

          open_link_or_toast (self, uri);
        }
      else
        g_ptr_array_add (local, files[i]);
    }
  if (local->len == 0)
    return;
  adw_view_stack_set_visible_child_name (self->stack, "send");
  fm_send_page_add_files (self->send_page, (GFile **) local->pdata, local->len);
}

void
fm_window_show_page (FmWindow   *self,
                     const char *name)
{
  adw_view_stack_set_visible_child_name (self->stack, name);
}

/* "Filemail — 45 %" while uploads run: visible in the window list and
 * the overview even when the window is not. */
static void
update_title (FmWindow *self)
{
  FmUploadQueue *queue = fm_session_get_queue (self->session);
  gint64 sent = 0, total = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (queue)); i++)
    {
      g_autoptr(FmUploadJob) job = g_list_model_get_item (G_LIST_MODEL (queue), i);

      if (!fm_upload_state_is_active (fm_upload_job_get_state (job)))
        continue;
      sent += fm_upload_job_get_bytes_sent (job);
      total += fm_upload_job_get_bytes_total (job);
    }
  g_autofree char *title = total > 0 ? g_strdup_printf (_("Filemail — %d %%"), (int) (100.0 * sent / total))
                                     : g_strdup (_("Filemail"));

  /* set only when it changes: each set is a window property for the X
   * server or compositor, the header's label laid out again, and an event
   * for the accessibility bus (ten times a second while uploading) */
  if (g_strcmp0 (gtk_window_get_title (GTK_WINDOW (self)), title) != 0)
    gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
queue_items_changed_cb (GListModel *queue,
                        guint       position,
                        guint       removed,
                        guint       added,
                        FmWindow   *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(FmUploadJob) job = g_list_model_get_item (queue, i);

      g_signal_connect_object (job, "notify::bytes-sent", G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (job, "notify::state", G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
    }
  update_title (self);
}

static void
account_changed_cb (FmWindow *self)
{
  const char *email = fm_session_get_account_email (self->session);
  g_autofree char *logout = email != NULL ? g_strdup_printf (_("_Log Out (%s)"), email) : NULL;
  g_autofree char *menu = email != NULL ? g_strdup_printf (_("Main Menu, logged in as %s"), email) : NULL;

  /* the account lives in the main menu (a label in the header squeezed
   * the title and held the window wide); the button says whose it is */
  gtk_widget_set_tooltip_text (self->menu_button, menu != NULL ? menu : _("Main Menu"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  menu != NULL ? menu : _("Main Menu"), -1);

  g_menu_remove_all (self->account_menu);
  g_menu_append (self->account_menu, email != NULL ? logout : _("_Log In…"),
                 email != NULL ? "app.logout" : "app.login");
}

/* ------------------------------------------------------------ offline */

static void
network_changed_cb (FmWindow *self)
{
  gboolean offline = self->monitor != NULL && !g_network_monitor_get_network_available (self->monitor);

  gtk_revealer_set_reveal_child (self->offline_revealer, offline);
}

/* The session's monitor (none for a server on this computer, a fake one
 * in tests): followed when it is replaced. */
static void
monitor_changed_cb (FmWindow *self)
{
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_set_object (&self->monitor, fm_session_get_network_monitor (self->session));
  if (self->monitor != NULL)
    g_signal_connect_object (self->monitor, "notify::network-available", G_CALLBACK (network_changed_cb), self,
                             G_CONNECT_SWAPPED);
  network_changed_cb (self);
}

gboolean
fm_window_is_offline_shown (FmWindow *self)
{
  return gtk_revealer_get_reveal_child (self->offline_revealer);
}

/* ------------------------------------------------------------ metered */

static void
held_changed_cb (FmWindow *self)
{
  gtk_revealer_set_reveal_child (self->metered_revealer,
                                 self->automation != NULL && fm_automation_is_held (self->automation));
}

static void
go_anyway_cb (FmWindow *self)
{
  if (self->automation != NULL)
    fm_automation_go_anyway (self->automation);
}

/* What the metered banner follows: the app's automation (none in some
 * tests). */
void
fm_window_set_automation (FmWindow     *self,
                          FmAutomation *automation)
{
  if (self->automation != NULL)
    g_signal_handlers_disconnect_by_data (self->automation, self);
  g_set_object (&self->automation, automation);
  if (automation != NULL)
    g_signal_connect_object (automation, "notify::held", G_CALLBACK (held_changed_cb), self, G_CONNECT_SWAPPED);
  held_changed_cb (self);
}

gboolean
fm_window_is_metered_shown (FmWindow *self)
{
  return gtk_revealer_get_reveal_child (self->metered_revealer);
}

/* ------------------------------------------------------------ actions */

static void
page_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  adw_view_stack_set_visible_child_name (FM_WINDOW (widget)->stack, g_variant_get_string (param, NULL));
}

static void
refresh_action (GtkWidget  *widget,
                const char *name,
                GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  const char *page = adw_view_stack_get_visible_child_name (self->stack);

  if (g_strcmp0 (page, "inbox") == 0)
    fm_transfer_list_refresh (self->inbox_page);
  else if (g_strcmp0 (page, "outbox") == 0)
    fm_transfer_list_refresh (self->outbox_page);
  else if (g_strcmp0 (page, "links") == 0)
    fm_transfer_list_refresh (self->links_page);
}

/* win.show-upload(s): an upload's own row (a job id), from anywhere */
static void
show_upload_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, "send");
  gtk_widget_activate_action_variant (GTK_WIDGET (self->send_page), "send.show-upload", param);
}

/* Ctrl+O / Ctrl+Shift+O on any page: files go to the Send page. */
static void
add_action (GtkWidget  *widget,
            const char *name,
            GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, "send");
  gtk_widget_activate_action (GTK_WIDGET (self->send_page),
                              g_str_equal (name, "win.add-folder") ? "send.add-folder" : "send.add-files", NULL);
}

static FmTransferList *
visible_list (FmWindow *self)
{
  const char *page = adw_view_stack_get_visible_child_name (self->stack);

  return g_strcmp0 (page, "inbox") == 0 ? self->inbox_page
         : g_strcmp0 (page, "outbox") == 0 ? self->outbox_page
         : g_strcmp0 (page, "links") == 0 ? self->links_page : NULL;
}

/* Ctrl+F: the search of the Inbox or Outbox (the Inbox from Send). */
static void
search_action (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);

  if (visible_list (self) == NULL)
    adw_view_stack_set_visible_child_name (self->stack, "inbox");
  fm_transfer_list_focus_search (visible_list (self));
}

/* Alt+Left / Escape: back from a transfer to its list in a narrow window. */
static void
back_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  FmTransferList *list = visible_list (FM_WINDOW (widget));

  if (list != NULL)
    fm_transfer_list_go_back (list);
}

/* Narrow, with a transfer shown full width: the header says which one
 * and has the way back, where GNOME's narrow apps put them. */
static void
update_header (FmWindow *self)
{
  FmTransferList *list = visible_list (self);
  const char *details = list != NULL ? fm_transfer_list_get_details_title (list) : NULL;

  gtk_widget_set_visible (self->back_button, details != NULL);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, details == NULL);
  adw_view_switcher_title_set_title (self->switcher_title, details != NULL ? details : _("Filemail"));
}

static void
paste_text_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FmWindow) self = user_data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);

  if (text != NULL && fm_transfer_link_looks_like (text))
    open_link_or_toast (self, text);
  else if (text != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s",
                                _("There is no Filemail link or file to paste. Copy files in Files, or the link "
                                  "from the e-mail."));
}

/* Ctrl+V outside a text field: files copied in a file manager go to the
 * Send page; a link copied from a mail or a browser opens. */
static void
paste_action (GtkWidget  *widget,
              const char *name,
              GVariant   *param)
{
  FmWindow *self = FM_WINDOW (widget);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);

  if (!gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST) &&
      gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    {
      gdk_clipboard_read_text_async (clipboard, NULL, paste_text_cb, g_object_ref (self));
      return;
    }
  adw_view_stack_set_visible_child_name (self->stack, "send");
  fm_send_page_paste (self->send_page);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         FmWindow      *self)
{
  GSList *files;
  g_autoptr(GPtrArray) array = g_ptr_array_new ();
  GdkDrop *drop = gtk_drop_target_get_current_drop (target);

  /* a saved file or a link dragged out of this window and let go over it
   * again is not a new file to send or a link to open */
  if (drop != NULL && gdk_drop_get_drag (drop) != NULL)
    return FALSE;

  /* a link dragged as text (from a mail, a chat, a browser's address) */
  if (G_VALUE_HOLDS_STRING (value))
    {
      if (!fm_transfer_link_looks_like (g_value_get_string (value)))
        return FALSE;
      open_link_or_toast (self, g_value_get_string (value));
      return TRUE;
    }
  files = g_value_get_boxed (value);
  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (array, l->data);
  fm_window_add_files (self, (GFile **) array->pdata, array->len);
  return TRUE;
}

/* ------------------------------------------------------------ GObject */


static void
setup (FmWindow *self)
{
  GSettings *settings = self->settings;
  GListModel *queue = G_LIST_MODEL (fm_session_get_queue (self->session));

  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "last-page", self->stack, "visible-child-name", G_SETTINGS_BIND_DEFAULT);
  fm_send_page_setup (self->send_page, self->session, settings);
  fm_transfer_list_set_session (self->inbox_page, self->session);
  fm_transfer_list_set_session (self->outbox_page, self->session);
  fm_transfer_list_set_session (self->links_page, self->session);
  fm_operations_button_set_session (self->operations_button, self->session);
  g_signal_connect_object (self->session, "notify::network-monitor", G_CALLBACK (monitor_changed_cb), self,
                           G_CONNECT_SWAPPED);
  monitor_changed_cb (self);
  g_signal_connect_object (self->session, "notify::account-email", G_CALLBACK (account_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (queue, "items-changed", G_CALLBACK (queue_items_changed_cb), self, 0);
  queue_items_changed_cb (queue, 0, 0, g_list_model_get_n_items (queue), self);
  account_changed_cb (self);
}

static void fm_window_dispose (GObject *object);

static void
fm_window_class_init (FmWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fm_window_dispose;
  g_type_ensure (FM_TYPE_SEND_PAGE);
  g_type_ensure (FM_TYPE_TRANSFER_LIST);
  g_type_ensure (FM_TYPE_OPERATIONS_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, "/com/filemail/Desktop/fm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, operations_button);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, offline_revealer);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, metered_revealer);
  gtk_widget_class_bind_template_callback (widget_class, go_anyway_cb);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, account_menu);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, send_page);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, inbox_page);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, outbox_page);
  gtk_widget_class_bind_template_child (widget_class, FmWindow, links_page);

  gtk_widget_class_install_action (widget_class, "win.page", "s", page_action);
  gtk_widget_class_install_action (widget_class, "win.show-upload", "s", show_upload_action);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.toast-retry-zip", "(ss)", toast_retry_zip_action);
  gtk_widget_class_install_action (widget_class, "win.toast-files-saved", "(us)", toast_files_saved_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", "s", open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.update-zip", "s", update_zip_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.paste-files", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "win.add-files", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "win.add-folder", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.open-link", NULL, open_link_action);
  gtk_widget_class_install_action (widget_class, "win.open-link-text", "s", open_link_text_action);
  gtk_widget_class_install_action (widget_class, "win.link-forgotten", "s", link_forgotten_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.open-link", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.add-files", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.add-folder", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.page", "s", "send");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.page", "s", "inbox");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.page", "s", "outbox");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_4, GDK_ALT_MASK, "win.page", "s", "links");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  /* Entries take Ctrl+V first; only a paste nobody else wanted lands here. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "win.paste-files", NULL);
}

/* Back to the window after a while: the list on screen catches up (its
 * own rule: only when older than a minute). */
static void
active_changed_cb (FmWindow *self)
{
  if (!gtk_window_is_active (GTK_WINDOW (self)))
    return;
  fm_transfer_list_refresh_if_stale (self->inbox_page);
  fm_transfer_list_refresh_if_stale (self->outbox_page);
}

/* FILEMAIL_DEBUG_STARTUP=1: when the first frame was drawn, and each
 * first frame with a different number of rows in the list shown (the
 * cached Inbox's first screen, then all of it), in CLOCK_REALTIME
 * microseconds, for tests/bench/bench-startup.sh. */
static void
startup_frame_cb (GdkFrameClock *clock,
                  FmWindow      *self)
{
  const char *page = adw_view_stack_get_visible_child_name (self->stack);
  FmTransferList *list = g_strcmp0 (page, "inbox") == 0 ? self->inbox_page
                         : g_strcmp0 (page, "outbox") == 0 ? self->outbox_page : NULL;
  guint rows = list != NULL ? g_list_model_get_n_items (fm_transfer_list_get_shown (list)) : 0;

  if (!self->startup_framed)
    {
      self->startup_framed = TRUE;
      g_printerr ("filemail-desktop: first frame at %" G_GINT64_FORMAT "\n", g_get_real_time ());
    }
  /* the cache's first screen, then the whole list */
  if (rows > 0 && rows != self->startup_rows)
    g_printerr ("filemail-desktop: first frame with %u transfers at %" G_GINT64_FORMAT "\n", rows,
                g_get_real_time ());
  self->startup_rows = rows;
}

static void
map_cb (FmWindow *self)
{
  if (g_getenv ("FILEMAIL_DEBUG_STARTUP") != NULL)
    g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                             G_CALLBACK (startup_frame_cb), self, 0);
}

static void
fm_window_init (FmWindow *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->toasts = g_ptr_array_new_with_free_func (g_object_unref);
  fm_a11y_name_tree (GTK_WIDGET (self));
  g_signal_connect_swapped (self->stack, "notify::visible-child", G_CALLBACK (update_header), self);
  g_signal_connect_swapped (self->inbox_page, "notify::details-title", G_CALLBACK (update_header), self);
  g_signal_connect_swapped (self->outbox_page, "notify::details-title", G_CALLBACK (update_header), self);
  g_signal_connect_swapped (self->links_page, "notify::details-title", G_CALLBACK (update_header), self);
  fm_a11y_hide_when_closed (self->offline_revealer);
  fm_a11y_hide_when_closed (self->metered_revealer);
  gtk_drop_target_set_gtypes (drop, (GType[]) { GDK_TYPE_FILE_LIST, G_TYPE_STRING }, 2);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  g_signal_connect (self, "notify::is-active", G_CALLBACK (active_changed_cb), NULL);
  g_signal_connect (self, "map", G_CALLBACK (map_cb), NULL);
}

static void
fm_window_dispose (GObject *object)
{
  FmWindow *self = FM_WINDOW (object);

  g_clear_handle_id (&self->dismiss_timeout, g_source_remove);
  for (guint i = 0; self->toasts != NULL && i < self->toasts->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->toasts, i), toast_dismissed_cb, self);
  g_clear_pointer (&self->toasts, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_WINDOW);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_clear_object (&self->automation);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (fm_window_parent_class)->dispose (object);
}

/* @settings: the window's size and page, the Send page's defaults. */
FmWindow *
fm_window_new (GtkApplication *application,
               FmSession      *session,
               GSettings      *settings)
{
  FmWindow *self = g_object_new (FM_TYPE_WINDOW, "application", application, NULL);

  self->session = g_object_ref (session);
  self->settings = g_object_ref (settings);
  setup (self);
  return self;
}
