/** The composer strings; English is the reference, the other catalogs have the same keys. */
export const en = {
  composer_placeholder: 'Write a reply… Type / for saved replies',
  composer_notePlaceholder: 'Private note: only agents see it',
  composer_attachFile: 'Attach file',
  composer_takeOver: 'Take over',
  composer_takeOverFailed: 'Could not take over the conversation: {reason}',
  composer_dropHint: 'Drop files to attach them',
  composer_attachments: 'Files to send',
  composer_remove: 'Remove {name}',
  composer_uploading: 'Uploading {name}',
  composer_replyingTo: 'Replying to',
  composer_cancelReply: 'Cancel reply',
  composer_savedReplies: 'Saved replies',
  composer_noSavedReplies: 'No saved reply starts with /{query}',
  composer_offline: 'the server cannot be reached. Your text is kept; try again when you are back online',
  composer_windowClosed:
    'The 24-hour window to reply on WhatsApp is closed: the person has not written for more than a day. Send an approved template to reopen the conversation; notes still work.',
  composer_template: 'Approved template',
  composer_useTemplate: 'Use template',
  composer_noTemplates: 'This channel has no approved templates.',
  composer_templatesFailed: 'The templates could not be loaded: {reason}',
};

type Catalog = Record<keyof typeof en, string>;

export const ptBR: Catalog = {
  composer_placeholder: 'Escreva uma resposta… Digite / para respostas salvas',
  composer_notePlaceholder: 'Nota privada: só os atendentes veem',
  composer_attachFile: 'Anexar arquivo',
  composer_takeOver: 'Assumir',
  composer_takeOverFailed: 'Não foi possível assumir a conversa: {reason}',
  composer_dropHint: 'Solte os arquivos para anexá-los',
  composer_attachments: 'Arquivos a enviar',
  composer_remove: 'Remover {name}',
  composer_uploading: 'Enviando {name}',
  composer_replyingTo: 'Respondendo a',
  composer_cancelReply: 'Cancelar resposta',
  composer_savedReplies: 'Respostas salvas',
  composer_noSavedReplies: 'Nenhuma resposta salva começa com /{query}',
  composer_offline: 'não foi possível falar com o servidor. Seu texto foi mantido; tente de novo quando estiver online',
  composer_windowClosed:
    'A janela de 24 horas para responder no WhatsApp está fechada: a pessoa não escreve há mais de um dia. Envie um modelo aprovado para reabrir a conversa; notas continuam funcionando.',
  composer_template: 'Modelo aprovado',
  composer_useTemplate: 'Usar modelo',
  composer_noTemplates: 'Este canal não tem modelos aprovados.',
  composer_templatesFailed: 'Não foi possível carregar os modelos: {reason}',
};

export const es: Catalog = {
  composer_placeholder: 'Escribe una respuesta… Escribe / para respuestas guardadas',
  composer_notePlaceholder: 'Nota privada: solo la ven los agentes',
  composer_attachFile: 'Adjuntar archivo',
  composer_takeOver: 'Tomar conversación',
  composer_takeOverFailed: 'No se pudo tomar la conversación: {reason}',
  composer_dropHint: 'Suelta los archivos para adjuntarlos',
  composer_attachments: 'Archivos para enviar',
  composer_remove: 'Quitar {name}',
  composer_uploading: 'Subiendo {name}',
  composer_replyingTo: 'Respondiendo a',
  composer_cancelReply: 'Cancelar respuesta',
  composer_savedReplies: 'Respuestas guardadas',
  composer_noSavedReplies: 'Ninguna respuesta guardada empieza por /{query}',
  composer_offline: 'no se puede contactar con el servidor. Tu texto se conserva; vuelve a intentarlo cuando tengas conexión',
  composer_windowClosed:
    'La ventana de 24 horas para responder en WhatsApp está cerrada: la persona no escribe desde hace más de un día. Envía una plantilla aprobada para reabrir la conversación; las notas siguen funcionando.',
  composer_template: 'Plantilla aprobada',
  composer_useTemplate: 'Usar plantilla',
  composer_noTemplates: 'Este canal no tiene plantillas aprobadas.',
  composer_templatesFailed: 'No se pudieron cargar las plantillas: {reason}',
};
