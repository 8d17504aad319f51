/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fm-nautilus-extension.c: "Send via Filemail…" in GNOME Files
 *
 * A menu provider for files and folders. Activating the item hands the
 * selection to the application through org.freedesktop.Application.Open
 * on the session bus, which starts it (D-Bus activation) when it is not
 * running; without an installed D-Bus service it runs
 * `filemail-desktop --send` instead. Nothing here blocks Nautilus: the
 * call is asynchronous and the extension keeps no state between calls.
 */
#include <glib/gi18n-lib.h>
#include <nautilus-extension.h>

#define FM_TYPE_NAUTILUS_SEND (fm_nautilus_send_get_type ())
G_DECLARE_FINAL_TYPE (FmNautilusSend, fm_nautilus_send, FM, NAUTILUS_SEND, GObject)

struct _FmNautilusSend
{
  GObject parent_instance;
};

static void menu_provider_iface_init (NautilusMenuProviderInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (FmNautilusSend, fm_nautilus_send, G_TYPE_OBJECT, G_TYPE_FLAG_FINAL,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (NAUTILUS_TYPE_MENU_PROVIDER,
                                                               menu_provider_iface_init))

/* The D-Bus object path GApplication exports: the id with dots as slashes. */
static char *
app_object_path (void)
{
  g_autofree char *path = g_strconcat ("/", FM_APP_ID, NULL);

  g_strdelimit (path, ".", '/');
  g_strdelimit (path, "-", '_');
  return g_steal_pointer (&path);
}

static void
spawn_fallback (GStrv uris)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, g_strdup ("filemail-desktop"));
  g_ptr_array_add (argv, g_strdup ("--send"));
  for (guint i = 0; uris[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (uris[i]));
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_async (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &error))
    g_warning ("Send via Filemail: cannot start filemail-desktop: %s", error->message);
}

static void
open_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_auto(GStrv) uris = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    {
      g_debug ("Send via Filemail: D-Bus Open failed (%s); starting the program", error->message);
      spawn_fallback (uris);
    }
}

static void
bus_ready_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_auto(GStrv) uris = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);
  g_autofree char *path = app_object_path ();
  GVariantBuilder platform_data;
  GVariant *parameters;

  if (bus == NULL)
    {
      spawn_fallback (uris);
      return;
    }
  g_variant_builder_init (&platform_data, G_VARIANT_TYPE_VARDICT);
  parameters = g_variant_new ("(^as@a{sv})", uris, g_variant_builder_end (&platform_data));
  g_dbus_connection_call (bus, FM_APP_ID, path, "org.freedesktop.Application", "Open", parameters,
                          NULL, G_DBUS_CALL_FLAGS_NONE, 60 * 1000, NULL,
                          open_done_cb, g_steal_pointer (&uris));
}

static void
send_activate_cb (NautilusMenuItem *item,
                  gpointer          user_data)
{
  GStrv uris = g_object_get_data (G_OBJECT (item), "fm-uris");

  g_bus_get (G_BUS_TYPE_SESSION, NULL, bus_ready_cb, g_strdupv (uris));
}

/* Local files only: the application uploads from paths. */
static GList *
fm_nautilus_send_get_file_items (NautilusMenuProvider *provider,
                                 GList                *files)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  NautilusMenuItem *item;

  if (files == NULL)
    return NULL;
  for (GList *l = files; l != NULL; l = l->next)
    {
      g_autofree char *uri = nautilus_file_info_get_uri (l->data);

      if (uri == NULL || g_strcmp0 (g_uri_peek_scheme (uri), "file") != 0)
        return NULL;
      g_strv_builder_add (builder, uri);
    }
  item = nautilus_menu_item_new ("FmNautilusSend::send", _("Send via Filemail…"),
                                 _("Send the selected files with Filemail"), FM_APP_ID "-symbolic");
  g_object_set_data_full (G_OBJECT (item), "fm-uris", g_strv_builder_end (builder), (GDestroyNotify) g_strfreev);
  g_signal_connect (item, "activate", G_CALLBACK (send_activate_cb), NULL);
  return g_list_append (NULL, item);
}

static void
menu_provider_iface_init (NautilusMenuProviderInterface *iface)
{
  iface->get_file_items = fm_nautilus_send_get_file_items;
}

static void
fm_nautilus_send_class_init (FmNautilusSendClass *klass)
{
}

static void
fm_nautilus_send_class_finalize (FmNautilusSendClass *klass)
{
}

static void
fm_nautilus_send_init (FmNautilusSend *self)
{
}

/* ------------------------------------------------ the module's entry points */

static GType types[1];

void
nautilus_module_initialize (GTypeModule *module)
{
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  fm_nautilus_send_register_type (module);
  types[0] = FM_TYPE_NAUTILUS_SEND;
}

void
nautilus_module_shutdown (void)
{
}

void
nautilus_module_list_types (const GType **out_types,
                            int          *num_types)
{
  *out_types = types;
  *num_types = G_N_ELEMENTS (types);
}
