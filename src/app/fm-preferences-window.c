/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-preferences-window.c: the settings, bound to GSettings */
#define G_LOG_DOMAIN "fm-preferences-window"

#include <glib/gi18n.h>

#include "fm-entry-row.h"
#include "fm-client.h"
#include "fm-config.h"
#include "fm-error.h"
#include "fm-a11y.h"
#include "fm-autostart.h"
#include "fm-days-spin.h"
#include "fm-preferences-window.h"
#include "fm-tls-database.h"

struct _FmPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings      *settings;
  GtkSpinButton  *days_spin;
  AdwActionRow   *days_row;
  GtkSwitch      *notify_switch;
  GtkSpinButton  *parallel_spin;
  GtkAdjustment  *chunk_adjustment;
  GtkSwitch      *resume_switch;
  AdwExpanderRow *auto_download_row;
  GtkSpinButton  *interval_spin;
  GtkSpinButton  *max_size_spin;
  GtkSwitch      *metered_switch;
  GtkSwitch      *login_switch;
  AdwExpanderRow *upload_limit_row;
  GtkAdjustment  *upload_limit_adjustment;
  AdwExpanderRow *download_limit_row;
  GtkAdjustment  *download_limit_adjustment;
  AdwActionRow   *folder_row;
  GtkWidget      *folder_button;
  GtkImage       *folder_icon;
  GtkLabel       *folder_label;
  FmEntryRow    *server_row;
  AdwActionRow   *ca_row;
  GtkWidget      *ca_clear_button;
  FmEntryRow *api_key_row;
};

G_DEFINE_FINAL_TYPE (FmPreferencesWindow, fm_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Kept in smaller units than shown: the chunk size in bytes, the speed
 * limits in kB/s, both shown in MB (@user_data: how many units make one). */
static gboolean
units_to_mb (GValue *value, GVariant *variant, gpointer user_data)
{
  g_value_set_double (value, g_variant_get_int32 (variant) / (double) GPOINTER_TO_INT (user_data));
  return TRUE;
}

static GVariant *
mb_to_units (const GValue *value, const GVariantType *type, gpointer user_data)
{
  return g_variant_new_int32 ((gint32) (g_value_get_double (value) * GPOINTER_TO_INT (user_data) + 0.5));
}

static void
update_folder_subtitle (FmPreferencesWindow *self)
{
  g_autofree char *folder = g_settings_get_string (self->settings, "download-folder");
  g_autofree char *shown = fm_config_resolve_download_folder (folder);
  g_autofree char *name = g_filename_display_basename (shown);
  g_autofree char *path = g_filename_display_name (shown);
  g_autofree char *described = g_strdup_printf (_("%s. Choose another folder…"), name);
  const char *downloads = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);

  gtk_label_set_text (self->folder_label, name);
  gtk_image_set_from_icon_name (self->folder_icon,
                                g_strcmp0 (shown, downloads) == 0 ? "folder-download-symbolic"
                                : g_strcmp0 (shown, g_get_home_dir ()) == 0 ? "user-home-symbolic"
                                : "folder-symbolic");
  gtk_widget_set_tooltip_text (self->folder_button, path);
  /* named by the row's title ("Download Folder"); which folder it is, is
   * its description */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->folder_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  described, -1);
}

static void
folder_chosen_cb (GtkNativeDialog     *chooser,
                  int                  response,
                  FmPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (folder);

      if (path != NULL)
        g_settings_set_string (self->settings, "download-folder", path);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_folder_cb (FmPreferencesWindow *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Download Folder"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                               _("_Select"), _("_Cancel"));

  g_signal_connect (chooser, "response", G_CALLBACK (folder_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* What is trusted, said as such: the system's authorities, and the
 * company's file if one is set. */
static void
update_ca_subtitle (FmPreferencesWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "ca-file");
  g_autofree char *subtitle = NULL;

  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;

  if (*path == '\0')
    subtitle = g_strdup (_("None: only the authorities this computer trusts"));
  else if ((database = fm_tls_database_new (path, &error)) == NULL)
    /* moved or damaged since it was chosen: nothing extra is trusted */
    subtitle = g_strdup_printf (_("Not trusted: %s"), error->message);
  else
    {
      g_autofree char *shown = g_filename_display_name (path);
      subtitle = g_strdup_printf (_("Also trusted, besides this computer’s: %s"), shown);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->ca_row), subtitle);
  if (error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->ca_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->ca_row), "error");
  gtk_widget_set_visible (self->ca_clear_button, *path != '\0');
}

static void
toast_literal (FmPreferencesWindow *self,
               const char          *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (escaped));
}

/* A file that holds no certificate is refused here, not at the next
 * connection. */
static void
ca_chosen_cb (GtkNativeDialog     *chooser,
              int                  response,
              FmPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GTlsDatabase) database = NULL;
      g_autoptr(GError) error = NULL;

      if (path != NULL)
        database = fm_tls_database_new (path, &error);
      if (database != NULL)
        g_settings_set_string (self->settings, "ca-file", path);
      else
        toast_literal (self, error != NULL ? error->message : _("Only local files can be trusted."));
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
ca_choose_cb (FmPreferencesWindow *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Certificate Authority"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                                               _("_Trust"), _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Certificates (PEM)"));
  gtk_file_filter_add_pattern (filter, "*.pem");
  gtk_file_filter_add_pattern (filter, "*.crt");
  gtk_file_filter_add_mime_type (filter, "application/x-x509-ca-cert");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (ca_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
ca_clear_cb (FmPreferencesWindow *self)
{
  g_settings_set_string (self->settings, "ca-file", "");
}

/* An address is only kept when the client would accept it. */
static void
server_apply_cb (FmPreferencesWindow *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  g_autoptr(GError) error = NULL;

  if (*url != '\0' && !fm_client_check_url (url, &error))
    {
      g_autofree char *described = fm_error_describe (error);
      g_autofree char *escaped = g_markup_escape_text (described, -1);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (escaped));
      fm_entry_row_set_problem (self->server_row, described);
      return;
    }
  fm_entry_row_set_problem (self->server_row, NULL);
  g_settings_set_string (self->settings, "server-url", url);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Saved. Restart Filemail to use this server.")));
}

static void
api_key_apply_cb (FmPreferencesWindow *self)
{
  g_settings_set_string (self->settings, "api-key", gtk_editable_get_text (GTK_EDITABLE (self->api_key_row)));
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Saved. Restart Filemail to use this key.")));
}

static gboolean login_switch_cb (FmPreferencesWindow *self, gboolean state);

static void
autostart_set_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FmPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean wanted = gtk_switch_get_active (self->login_switch);

  if (fm_autostart_set_finish (result, &error))
    {
      g_settings_set_boolean (self->settings, "start-at-login", wanted);
      gtk_switch_set_state (self->login_switch, wanted);
      return;
    }
  /* not done: the switch says what is true, a toast why */
  g_signal_handlers_block_by_func (self->login_switch, login_switch_cb, self);
  gtk_switch_set_active (self->login_switch, !wanted);
  gtk_switch_set_state (self->login_switch, !wanted);
  g_signal_handlers_unblock_by_func (self->login_switch, login_switch_cb, self);
  {
    g_autofree char *escaped = g_markup_escape_text (error->message, -1);
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (escaped));
  }
}

/* The switch moves when the system said yes (the portal may ask). */
static gboolean
login_switch_cb (FmPreferencesWindow *self,
                 gboolean             state)
{
  fm_autostart_set_async (state, GTK_WINDOW (self), NULL, autostart_set_cb, g_object_ref (self));
  return TRUE;
}

static void
fm_preferences_window_dispose (GObject *object)
{
  FmPreferencesWindow *self = FM_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), FM_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (fm_preferences_window_parent_class)->dispose (object);
}

static void
fm_preferences_window_class_init (FmPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fm_preferences_window_dispose;
  g_type_ensure (FM_TYPE_ENTRY_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, "/com/filemail/Desktop/fm-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, days_spin);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, days_row);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, parallel_spin);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, chunk_adjustment);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, resume_switch);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, auto_download_row);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, max_size_spin);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, metered_switch);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, login_switch);
  gtk_widget_class_bind_template_callback (widget_class, login_switch_cb);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, upload_limit_row);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, upload_limit_adjustment);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, download_limit_row);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, download_limit_adjustment);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, folder_button);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, folder_icon);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, folder_label);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, ca_row);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, ca_clear_button);
  gtk_widget_class_bind_template_callback (widget_class, ca_choose_cb);
  gtk_widget_class_bind_template_callback (widget_class, ca_clear_cb);
  gtk_widget_class_bind_template_child (widget_class, FmPreferencesWindow, api_key_row);
  gtk_widget_class_bind_template_callback (widget_class, choose_folder_cb);
  gtk_widget_class_bind_template_callback (widget_class, server_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, api_key_apply_cb);
}

static void
fm_preferences_window_init (FmPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fm_a11y_name_tree (GTK_WIDGET (self));
}

FmPreferencesWindow *
fm_preferences_window_new (GSettings *settings)
{
  FmPreferencesWindow *self = g_object_new (FM_TYPE_PREFERENCES_WINDOW, NULL);
  g_autofree char *server = g_settings_get_string (settings, "server-url");
  g_autofree char *key = g_settings_get_string (settings, "api-key");

  self->settings = g_object_ref (settings);
  fm_days_spin_setup (self->days_spin, self->days_row, 0);
  g_settings_bind (settings, "default-days", self->days_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "notify-default", self->notify_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "parallel-uploads", self->parallel_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "chunk-size", self->chunk_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, units_to_mb, mb_to_units, GINT_TO_POINTER (1000000), NULL);
  g_settings_bind (settings, "resume-at-start", self->resume_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_signal_handlers_block_by_func (self->login_switch, login_switch_cb, self);
  gtk_switch_set_active (self->login_switch, g_settings_get_boolean (settings, "start-at-login"));
  gtk_switch_set_state (self->login_switch, g_settings_get_boolean (settings, "start-at-login"));
  g_signal_handlers_unblock_by_func (self->login_switch, login_switch_cb, self);
  g_settings_bind (settings, "auto-download", self->auto_download_row, "enable-expansion", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "check-interval", self->interval_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "auto-download-max-mb", self->max_size_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "metered-allowed", self->metered_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "limit-upload", self->upload_limit_row, "enable-expansion", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "limit-download", self->download_limit_row, "enable-expansion",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "upload-limit", self->upload_limit_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, units_to_mb, mb_to_units, GINT_TO_POINTER (1000), NULL);
  g_settings_bind_with_mapping (settings, "download-limit", self->download_limit_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, units_to_mb, mb_to_units, GINT_TO_POINTER (1000), NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  gtk_editable_set_text (GTK_EDITABLE (self->api_key_row), key);
  g_signal_connect_object (settings, "changed::download-folder", G_CALLBACK (update_folder_subtitle),
                           self, G_CONNECT_SWAPPED);
  update_folder_subtitle (self);
  g_signal_connect_object (settings, "changed::ca-file", G_CALLBACK (update_ca_subtitle), self, G_CONNECT_SWAPPED);
  update_ca_subtitle (self);
  return self;
}
