/** Word lists for `conversas seed`: Brazilian names, places and customer-service chatter. */

export const FIRST_NAMES = [
  'Maria', 'Ana', 'Francisca', 'Antônia', 'Adriana', 'Juliana', 'Márcia', 'Fernanda', 'Patrícia', 'Aline',
  'Sandra', 'Camila', 'Amanda', 'Bruna', 'Jéssica', 'Letícia', 'Júlia', 'Luciana', 'Vanessa', 'Mariana',
  'Gabriela', 'Beatriz', 'Larissa', 'Débora', 'Tatiane', 'Renata', 'Cláudia', 'Simone', 'Rafaela', 'Luana',
  'José', 'João', 'Antônio', 'Francisco', 'Carlos', 'Paulo', 'Pedro', 'Lucas', 'Luiz', 'Marcos',
  'Luís', 'Gabriel', 'Rafael', 'Daniel', 'Marcelo', 'Bruno', 'Eduardo', 'Felipe', 'Raimundo', 'Rodrigo',
  'Manoel', 'Mateus', 'André', 'Fernando', 'Fábio', 'Leonardo', 'Gustavo', 'Guilherme', 'Thiago', 'Vinícius',
  'Sebastião', 'Edson', 'Cícero', 'Severino', 'Heloísa', 'Valentina', 'Enzo', 'Arthur', 'Davi', 'Conceição',
];

export const LAST_NAMES = [
  'Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes',
  'Costa', 'Ribeiro', 'Martins', 'Carvalho', 'Almeida', 'Lopes', 'Soares', 'Fernandes', 'Vieira', 'Barbosa',
  'Rocha', 'Dias', 'Nascimento', 'Andrade', 'Moreira', 'Nunes', 'Marques', 'Machado', 'Mendes', 'Freitas',
  'Cardoso', 'Ramos', 'Gonçalves', 'Santana', 'Teixeira', 'Araújo', 'Cavalcanti', 'Monteiro', 'Moura', 'Correia',
];

/** Area code (DDD) and the city it serves. */
export const CITIES: [string, string][] = [
  ['11', 'São Paulo'], ['21', 'Rio de Janeiro'], ['31', 'Belo Horizonte'], ['41', 'Curitiba'], ['51', 'Porto Alegre'],
  ['61', 'Brasília'], ['71', 'Salvador'], ['81', 'Recife'], ['85', 'Fortaleza'], ['92', 'Manaus'],
  ['91', 'Belém'], ['62', 'Goiânia'], ['27', 'Vitória'], ['48', 'Florianópolis'], ['19', 'Campinas'],
  ['13', 'Santos'], ['98', 'São Luís'], ['84', 'Natal'], ['83', 'João Pessoa'], ['82', 'Maceió'],
  ['79', 'Aracaju'], ['86', 'Teresina'], ['65', 'Cuiabá'], ['67', 'Campo Grande'], ['69', 'Porto Velho'],
];

export const EMAIL_DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'yahoo.com.br', 'uol.com.br', 'bol.com.br'];

export const AGENT_NAMES = [
  'Carla Mendes', 'Ricardo Azevedo', 'Patrícia Lobo', 'Diego Fontes', 'Helena Prado', 'Otávio Reis', 'Sofia Brandão', 'Igor Tavares',
];

export const ROLE_NAMES = ['Atendimento', 'Financeiro', 'Jurídico'];

export const TAGS: [string, string][] = [
  ['Novo cliente', '#22c55e'], ['Urgente', '#ef4444'], ['Trabalhista', '#3b82f6'], ['Previdenciário', '#a855f7'],
  ['Documentos pendentes', '#f59e0b'], ['Retorno agendado', '#14b8a6'],
];

export const INBOUND_SHORT = [
  'Oi', 'Olá, bom dia!', 'Boa tarde', 'Boa noite', 'Obrigada!', 'Obrigado', 'Ok', 'Certo', 'Entendi', 'Pode ser',
  'Sim', 'Não', '1', '2', 'Tudo bem?', 'Alguém aí?', 'Oi, tudo bem?', 'Perfeito 👍', 'Combinado', 'Blz',
];

export const INBOUND_MEDIUM = [
  'Gostaria de saber o andamento do meu processo.',
  'Vocês atendem aos sábados?',
  'Preciso falar com um advogado, por favor.',
  'Recebi uma carta do INSS e não entendi nada.',
  'Qual o valor da consulta?',
  'Meu número do processo é 0001234-56.2024.8.26.0100',
  'Fui demitido semana passada e não recebi a rescisão.',
  'Consigo mandar os documentos por aqui mesmo?',
  'Já enviei o RG e o comprovante de residência ontem.',
  'Posso remarcar a reunião para quinta-feira?',
  'Qual o endereço do escritório?',
  'A audiência ainda está marcada para o dia 12?',
  'Meu patrão não assinou minha carteira, o que eu faço?',
  'Estou esperando retorno desde segunda.',
  'Preciso da segunda via do contrato.',
];

export const INBOUND_LONG = [
  'Bom dia! Trabalhei quatro anos numa empresa de limpeza e fui mandada embora sem justa causa. Até agora não pagaram as verbas rescisórias nem liberaram o FGTS. Queria saber se tenho direito a alguma coisa e quanto tempo demora um processo desses.',
  'Olá, meu pai deu entrada na aposentadoria por idade em março e o pedido foi negado porque disseram que faltam contribuições. Ele trabalhou muitos anos na roça sem registro. Vocês conseguem ajudar com isso? O que precisamos levar?',
  'Boa tarde. Recebi uma intimação para comparecer a uma audiência de conciliação e não sei se preciso levar testemunhas. Também queria confirmar se a audiência vai ser presencial ou por vídeo, porque eu trabalho nesse horário.',
  'Oi, tudo bem? Estou com um problema com a construtora do meu apartamento: a entrega atrasou mais de um ano e eles não querem pagar a multa prevista no contrato. Já mandei e-mail várias vezes e ninguém responde. Gostaria de entender quais são as opções.',
  'Queria agradecer pelo atendimento de ontem, ficou tudo muito claro. Só ficou uma dúvida: os honorários são cobrados só no final do processo ou tem alguma entrada? E se a gente perder, eu tenho que pagar alguma coisa?',
];

export const BOT_REPLIES = [
  'Olá! 👋 Sou o assistente virtual do escritório. Como posso ajudar?\n1️⃣ Acompanhar processo\n2️⃣ Agendar consulta\n3️⃣ Enviar documentos\n4️⃣ Falar com um atendente',
  'Para acompanhar seu processo, informe o número do processo ou o seu CPF.',
  'Perfeito! Recebi sua mensagem. Um de nossos atendentes vai falar com você em breve.',
  'Nosso horário de atendimento é de segunda a sexta, das 8h às 18h.',
  'Pode enviar os documentos por aqui mesmo: RG, CPF e comprovante de residência em foto ou PDF.',
  'Desculpe, não entendi. Responda com o número de uma das opções do menu.',
  'Seu atendimento foi encaminhado para a equipe responsável. ⏳',
  'Obrigado pelo contato! Se precisar de algo mais, é só mandar uma mensagem.',
];

export const AGENT_REPLIES = [
  'Olá, tudo bem? Aqui é do escritório, vou dar continuidade ao seu atendimento.',
  'Recebi os documentos, obrigado! Vou encaminhar para o advogado responsável.',
  'Seu processo está concluso para sentença; assim que houver novidade avisamos por aqui.',
  'Consegue me enviar uma foto da carteira de trabalho, página da foto e do último contrato?',
  'A consulta pode ser presencial ou por vídeo. Qual horário fica melhor para você esta semana?',
  'A audiência continua marcada. Chegue com 30 minutos de antecedência e leve um documento com foto.',
  'Sobre os honorários: trabalhamos com 30% sobre o êxito, sem cobrança antecipada. Segue o contrato para leitura.',
  'Entendi a situação. Pelo que você descreveu há bons fundamentos para o pedido; vou preparar a análise e te retorno amanhã.',
  'Só um momento, por favor, que estou verificando no sistema do tribunal.',
  'Combinado! Qualquer dúvida estou à disposição.',
];

export const INTERNAL_NOTES = [
  'Cliente ligou também por telefone, mesmo assunto.',
  'Aguardando CNIS para cálculo do tempo de contribuição.',
  'Prioridade: prazo de recurso vence sexta.',
  'Passar para o Dr. Henrique revisar antes de responder.',
];

export const CAPTIONS = ['Segue o documento', 'Comprovante', 'Foto da carteira de trabalho', 'Frente e verso', 'Está legível?', 'Contrato assinado'];

export const DOCUMENT_NAMES = [
  'contrato-honorarios.pdf', 'procuracao.pdf', 'rg-frente-verso.pdf', 'comprovante-residencia.pdf', 'ctps.pdf',
  'extrato-cnis.pdf', 'peticao-inicial.pdf', 'holerite-marco.pdf',
];
