/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-autostart.c: start at login, so unfinished uploads go on */
#define G_LOG_DOMAIN "fm-autostart"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "fm-autostart.h"

#define PORTAL_BUS  "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"

/* ~/.config/autostart/<app id>.desktop; FILEMAIL_AUTOSTART_DIR for tests */
char *
fm_autostart_dup_entry_path (void)
{
  const char *dir = g_getenv ("FILEMAIL_AUTOSTART_DIR");

  if (dir != NULL && *dir != '\0')
    return g_build_filename (dir, FM_APP_ID ".desktop", NULL);
  return g_build_filename (g_get_user_config_dir (), "autostart", FM_APP_ID ".desktop", NULL);
}

/* The program that runs now (an install or a build tree), as a service. */
static gboolean
write_entry (gboolean   enabled,
             GError   **error)
{
  g_autofree char *path = fm_autostart_dup_entry_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *quoted = NULL, *entry = NULL;

  if (!enabled)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot remove %s: %s"), path, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }
  quoted = g_shell_quote (self != NULL ? self : "filemail-desktop");
  entry = g_strdup_printf ("[Desktop Entry]\n"
                           "Type=Application\n"
                           "Name=Filemail\n"
                           "Comment=%s\n"
                           "Exec=%s --gapplication-service\n"
                           "Icon=" FM_APP_ID "\n"
                           "NoDisplay=true\n"
                           "X-GNOME-Autostart-enabled=true\n",
                           _("Resume unfinished uploads"), quoted);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  return g_file_set_contents_full (path, entry, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* ------------------------------------------------- the Background portal */

typedef struct {
  GDBusConnection *bus;
  guint            subscription;
  gboolean         enabled;
} Request;

static void
request_free (gpointer data)
{
  Request *r = data;

  if (r->subscription != 0)
    g_dbus_connection_signal_unsubscribe (r->bus, r->subscription);
  g_clear_object (&r->bus);
  g_free (r);
}

static void
response_cb (GDBusConnection *connection,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *r = g_task_get_task_data (task);
  g_autoptr(GVariant) results = NULL;
  guint32 response = 2;
  gboolean autostart = FALSE;

  g_dbus_connection_signal_unsubscribe (r->bus, r->subscription);
  r->subscription = 0;
  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "autostart", "b", &autostart);
  if (response != 0 || autostart != r->enabled)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "%s",
                             _("The system did not allow Filemail to start at login."));
  else
    g_task_return_boolean (task, TRUE);
}

static void
requested_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    {
      Request *r = g_task_get_task_data (task);

      g_dbus_connection_signal_unsubscribe (r->bus, r->subscription);
      r->subscription = 0;
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
    }
}

/* The request's object path is known before the call (the handle_token
 * option): subscribe first, so the answer cannot be missed. */
static void
request_background (GTask    *task,
                    gboolean  enabled)
{
  Request *r = g_new0 (Request, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = g_strdup_printf ("filemail%u", g_random_int ());
  g_autofree char *sender = NULL, *path = NULL;
  const char *commandline[] = { "filemail-desktop", "--gapplication-service", NULL };
  GVariantBuilder options;

  r->enabled = enabled;
  r->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_task_set_task_data (task, r, request_free);
  if (r->bus == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  sender = g_strdup (g_dbus_connection_get_unique_name (r->bus) + 1);
  g_strdelimit (sender, ".", '_');
  path = g_strdup_printf (PORTAL_PATH "/request/%s/%s", sender, token);
  r->subscription = g_dbus_connection_signal_subscribe (r->bus, PORTAL_BUS, "org.freedesktop.portal.Request",
                                                        "Response", path, NULL, G_DBUS_SIGNAL_FLAGS_NO_MATCH_RULE,
                                                        response_cb, task, NULL);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Unfinished uploads go on when you log in.")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (enabled));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));
  g_dbus_connection_call (r->bus, PORTAL_BUS, PORTAL_PATH, "org.freedesktop.portal.Background",
                          "RequestBackground", g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (task), requested_cb, task);
}

void
fm_autostart_set_async (gboolean             enabled,
                        GtkWindow           *parent,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, fm_autostart_set_async);
  /* sandboxed: only the portal may add us to the session's autostart */
  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    {
      request_background (task, enabled);
      return;
    }
  if (write_entry (enabled, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

gboolean
fm_autostart_set_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
