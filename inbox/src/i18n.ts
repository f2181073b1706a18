import { computed, signal } from '@preact/signals';
import * as list from './i18n/list.ts';
import * as history from './i18n/history.ts';
import * as composer from './i18n/composer.ts';
import * as actions from './i18n/actions.ts';
import * as settings from './i18n/settings.ts';
import * as settingsChannels from './i18n/settings-channels.ts';

/** The inbox's strings. English is the reference: the other catalogs have the same keys. Each screen's own strings are in i18n/<screen>.ts. */
const core = {
  appName: 'Conversas',
  language: 'Language',
  signInTitle: 'Sign in to Conversas',
  email: 'Email',
  password: 'Password',
  signIn: 'Sign in',
  signOut: 'Sign out',
  wrongCredentials: 'Wrong email or password.',
  tooManyAttempts: 'Too many attempts. Wait a few minutes and try again.',
  signInUnavailable: 'Signing in is not available on this server yet.',
  networkError: 'Cannot reach the server. Check your connection and try again.',
  unexpectedError: 'Something went wrong ({status}). Try again.',
  loading: 'Loading…',
  conversations: 'Conversations',
  noConversations: 'No conversations yet.',
  unknownPerson: 'Unknown contact',
  group: 'Group',
  unread: '{count} unread',
  selectConversation: 'Select a conversation to read and reply.',
  messages: 'Messages',
  noMessages: 'No messages yet.',
  message: 'Message',
  send: 'Send',
  sendFailed: 'The message was not sent: {reason}',
  note: 'Note',
  status_ROBOT_INTERACTIVE: 'Bot',
  status_WAITING: 'Waiting',
  status_ACTIVE: 'In support',
  status_INACTIVE: 'Resolved',
  delivery_pending: 'Pending',
  delivery_sent: 'Sent',
  delivery_delivered: 'Delivered',
  delivery_read: 'Read',
  delivery_played: 'Played',
  delivery_failed: 'Failed',
  media: 'Attachment: {name}',
  back: 'Back to conversations',
  skipToContent: 'Skip to content',
  reconnecting: 'Reconnecting…',
};

const en = { ...core, ...list.en, ...history.en, ...composer.en, ...actions.en, ...settings.en, ...settingsChannels.en };
export type MessageKey = keyof typeof en;
type CoreCatalog = Record<keyof typeof core, string>;

const corePtBR: CoreCatalog = {
  appName: 'Conversas',
  language: 'Idioma',
  signInTitle: 'Entrar no Conversas',
  email: 'E-mail',
  password: 'Senha',
  signIn: 'Entrar',
  signOut: 'Sair',
  wrongCredentials: 'E-mail ou senha incorretos.',
  tooManyAttempts: 'Muitas tentativas. Aguarde alguns minutos e tente de novo.',
  signInUnavailable: 'O acesso ainda não está disponível neste servidor.',
  networkError: 'Não foi possível falar com o servidor. Verifique a conexão e tente de novo.',
  unexpectedError: 'Algo deu errado ({status}). Tente de novo.',
  loading: 'Carregando…',
  conversations: 'Conversas',
  noConversations: 'Nenhuma conversa ainda.',
  unknownPerson: 'Contato desconhecido',
  group: 'Grupo',
  unread: '{count} não lidas',
  selectConversation: 'Escolha uma conversa para ler e responder.',
  messages: 'Mensagens',
  noMessages: 'Nenhuma mensagem ainda.',
  message: 'Mensagem',
  send: 'Enviar',
  sendFailed: 'A mensagem não foi enviada: {reason}',
  note: 'Nota',
  status_ROBOT_INTERACTIVE: 'Bot',
  status_WAITING: 'Aguardando',
  status_ACTIVE: 'Em atendimento',
  status_INACTIVE: 'Resolvida',
  delivery_pending: 'Pendente',
  delivery_sent: 'Enviada',
  delivery_delivered: 'Entregue',
  delivery_read: 'Lida',
  delivery_played: 'Reproduzida',
  delivery_failed: 'Falhou',
  media: 'Anexo: {name}',
  back: 'Voltar às conversas',
  skipToContent: 'Pular para o conteúdo',
  reconnecting: 'Reconectando…',
};

const coreEs: CoreCatalog = {
  appName: 'Conversas',
  language: 'Idioma',
  signInTitle: 'Iniciar sesión en Conversas',
  email: 'Correo electrónico',
  password: 'Contraseña',
  signIn: 'Iniciar sesión',
  signOut: 'Cerrar sesión',
  wrongCredentials: 'Correo o contraseña incorrectos.',
  tooManyAttempts: 'Demasiados intentos. Espera unos minutos y vuelve a intentarlo.',
  signInUnavailable: 'El inicio de sesión aún no está disponible en este servidor.',
  networkError: 'No se puede contactar con el servidor. Revisa la conexión y vuelve a intentarlo.',
  unexpectedError: 'Algo salió mal ({status}). Vuelve a intentarlo.',
  loading: 'Cargando…',
  conversations: 'Conversaciones',
  noConversations: 'Aún no hay conversaciones.',
  unknownPerson: 'Contacto desconocido',
  group: 'Grupo',
  unread: '{count} sin leer',
  selectConversation: 'Elige una conversación para leer y responder.',
  messages: 'Mensajes',
  noMessages: 'Aún no hay mensajes.',
  message: 'Mensaje',
  send: 'Enviar',
  sendFailed: 'El mensaje no se envió: {reason}',
  note: 'Nota',
  status_ROBOT_INTERACTIVE: 'Bot',
  status_WAITING: 'En espera',
  status_ACTIVE: 'En atención',
  status_INACTIVE: 'Resuelta',
  delivery_pending: 'Pendiente',
  delivery_sent: 'Enviado',
  delivery_delivered: 'Entregado',
  delivery_read: 'Leído',
  delivery_played: 'Reproducido',
  delivery_failed: 'Falló',
  media: 'Adjunto: {name}',
  back: 'Volver a las conversaciones',
  skipToContent: 'Saltar al contenido',
  reconnecting: 'Reconectando…',
};

const ptBR: Record<MessageKey, string> = {
  ...corePtBR,
  ...list.ptBR,
  ...history.ptBR,
  ...composer.ptBR,
  ...actions.ptBR,
  ...settings.ptBR,
  ...settingsChannels.ptBR,
};
const es: Record<MessageKey, string> = { ...coreEs, ...list.es, ...history.es, ...composer.es, ...actions.es, ...settings.es, ...settingsChannels.es };

export const LOCALES = [
  { tag: 'en', name: 'English', catalog: en },
  { tag: 'pt-BR', name: 'Português (Brasil)', catalog: ptBR },
  { tag: 'es', name: 'Español', catalog: es },
] as const;
export type Locale = (typeof LOCALES)[number]['tag'];

const STORAGE_KEY = 'conversas.locale';

/** The first of the browser's languages the inbox speaks (any Portuguese is Brazilian Portuguese), else English. */
export function localeFor(languages: readonly string[]): Locale {
  for (const language of languages) {
    const base = language.toLowerCase().split('-')[0];
    if (base === 'pt') return 'pt-BR';
    if (base === 'es') return 'es';
    if (base === 'en') return 'en';
  }
  return 'en';
}

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (LOCALES.some((l) => l.tag === saved)) return saved as Locale;
  } catch {
    // Storage may be blocked: the browser's languages decide.
  }
  return localeFor(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

export const locale = signal<Locale>(initialLocale());
const catalog = computed(() => LOCALES.find((l) => l.tag === locale.value)?.catalog ?? en);

/** Chosen in the switcher: remembered on this browser (a preference, nothing secret). */
export function setLocale(tag: Locale): void {
  locale.value = tag;
  try {
    localStorage.setItem(STORAGE_KEY, tag);
  } catch {
    // Not remembered; still switched.
  }
}

/** The string of `key` in the current language, `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalog.value[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  const sameDay = new Date().toDateString() === date.toDateString();
  return new Intl.DateTimeFormat(locale.value, sameDay ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short' }).format(date);
}
