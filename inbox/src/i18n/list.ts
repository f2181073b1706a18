/** The list strings; English is the reference, the other catalogs have the same keys. */
export const en = {
  listViews: 'Views',
  view_mine: 'Mine',
  view_unassigned: 'Unassigned',
  view_bot: 'Bot',
  view_all: 'All',
  searchConversations: 'Search by name or phone',
  searchPlaceholder: 'Name or phone',
  filterInbox: 'Inbox',
  filterTag: 'Tag',
  filterStatus: 'Status',
  allInboxes: 'All inboxes',
  allTags: 'All tags',
  anyStatus: 'Any status',
  noMatches: 'No conversations match.',
  loadingMore: 'Loading more…',
  pinned: 'Pinned',
};

type Catalog = Record<keyof typeof en, string>;

export const ptBR: Catalog = {
  listViews: 'Visões',
  view_mine: 'Minhas',
  view_unassigned: 'Sem responsável',
  view_bot: 'Bot',
  view_all: 'Todas',
  searchConversations: 'Buscar por nome ou telefone',
  searchPlaceholder: 'Nome ou telefone',
  filterInbox: 'Caixa de entrada',
  filterTag: 'Etiqueta',
  filterStatus: 'Situação',
  allInboxes: 'Todas as caixas',
  allTags: 'Todas as etiquetas',
  anyStatus: 'Qualquer situação',
  noMatches: 'Nenhuma conversa encontrada.',
  loadingMore: 'Carregando mais…',
  pinned: 'Fixada',
};

export const es: Catalog = {
  listViews: 'Vistas',
  view_mine: 'Mías',
  view_unassigned: 'Sin asignar',
  view_bot: 'Bot',
  view_all: 'Todas',
  searchConversations: 'Buscar por nombre o teléfono',
  searchPlaceholder: 'Nombre o teléfono',
  filterInbox: 'Bandeja',
  filterTag: 'Etiqueta',
  filterStatus: 'Estado',
  allInboxes: 'Todas las bandejas',
  allTags: 'Todas las etiquetas',
  anyStatus: 'Cualquier estado',
  noMatches: 'Ninguna conversación coincide.',
  loadingMore: 'Cargando más…',
  pinned: 'Fijada',
};
