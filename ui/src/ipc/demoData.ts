//! Realistic Russian sample data for the demo backend: an agency with many client counters,
//! their goals, two sample files and past uploads in every state. Pure data, no behaviour.
import type { Counter, Goal, UploadKind, UploadSummary } from './bindings';

export const DEMO_LOGIN = 'demo-agency';

const CLIENTS: Array<[string, string | null, string]> = [
  ['Мебель Рома', 'mebel-roma.ru', 'Europe/Moscow'],
  ['Цветы СПб', 'cvety-spb.ru', 'Europe/Moscow'],
  ['Автосервис Урал', 'avto-ural.ru', 'Asia/Yekaterinburg'],
  ['Кухни Прованс', 'kuhni-provans.ru', 'Europe/Moscow'],
  ['Стоматология «Улыбка»', 'ulybka-dent.ru', 'Europe/Moscow'],
  ['Окна Сибири', 'okna-sibiri.ru', 'Asia/Novosibirsk'],
  ['Фитнес «Атлант»', 'atlant-fit.ru', 'Europe/Samara'],
  ['Строймаркет Волга', 'stroy-volga.ru', 'Europe/Samara'],
  ['Детский центр «Совёнок»', 'sovenok-kids.ru', 'Europe/Moscow'],
  ['Шины и диски 24', 'shiny24.ru', 'Europe/Moscow'],
  ['Пекарня «Колосок»', 'kolosok-bakery.ru', 'Europe/Moscow'],
  ['Юридическая фирма «Право»', 'pravo-ur.ru', 'Europe/Moscow'],
  ['Салон красоты «Лилия»', 'liliya-salon.ru', 'Europe/Moscow'],
  ['Ветклиника «Айболит»', 'aibolit-vet.ru', 'Asia/Yekaterinburg'],
  ['Турагентство «Глобус»', 'globus-tour.ru', 'Europe/Moscow'],
  ['Автошкола «Старт»', 'start-avto.ru', 'Europe/Moscow'],
  ['Двери Калуги', 'dveri-kaluga.ru', 'Europe/Moscow'],
  ['Ремонт квартир «Мастер»', 'master-remont.ru', 'Europe/Moscow'],
  ['Оптика «Взгляд»', 'vzglyad-optika.ru', 'Europe/Moscow'],
  ['Клининг «Чистый дом»', 'chisty-dom.ru', 'Europe/Moscow'],
  ['Натяжные потолки Казань', 'potolki-kzn.ru', 'Europe/Moscow'],
  ['Языковая школа «Полиглот»', 'poliglot-school.ru', 'Europe/Moscow'],
  ['Ювелирный «Топаз»', 'topaz-jewel.ru', 'Asia/Yekaterinburg'],
  ['Доставка воды «Родник»', 'rodnik-voda.ru', 'Europe/Moscow'],
  ['Зоомагазин «Хвостик»', 'hvostik-zoo.ru', 'Europe/Moscow'],
  ['Медцентр «Здоровье+»', 'zdorovie-plus.ru', 'Europe/Moscow'],
  ['Камины и печи', 'kaminy-pechi.ru', 'Europe/Moscow'],
  ['Свадебный салон «Вуаль»', 'vual-wedding.ru', 'Europe/Moscow'],
  ['Типография «Оттиск»', 'ottisk-print.ru', 'Europe/Moscow'],
  ['Велосипеды Омск', 'velo-omsk.ru', 'Asia/Omsk'],
  ['Кофейня «Зерно»', 'zerno-coffee.ru', 'Europe/Moscow'],
  ['Агентство недвижимости «Ключ»', 'klyuch-realty.ru', 'Europe/Moscow'],
  ['Сантехника Тула', 'santeh-tula.ru', 'Europe/Moscow'],
  ['Бани под ключ', null, 'Europe/Moscow'],
  ['Спортпит «Протеин»', 'protein-shop.ru', 'Europe/Moscow'],
  ['Интернет-магазин «Пряжа»', 'pryazha-shop.ru', 'Europe/Kaliningrad'],
];

export function demoCounters(): Counter[] {
  return CLIENTS.map(([name, site, tz], i) => {
    const permission = i === 33 ? 'view' : i % 5 === 4 ? 'edit' : 'own';
    return {
      id: 44_120_000 + i * 3_517 + 11,
      name,
      site,
      owner_login: permission === 'own' ? DEMO_LOGIN : `client-${i + 1}`,
      permission,
      time_zone: tz,
      can_upload: permission !== 'view',
    };
  });
}

const GOALS: Array<[string, string]> = [
  ['offline_paid', 'Оплата в магазине'],
  ['dogovor_signed', 'Договор подписан'],
  ['visit_showroom', 'Визит в шоурум'],
  ['lead_qualified', 'Квалифицированный лид'],
  ['good_lead', 'Хороший лид'],
  ['oplata_karta', 'Оплата картой'],
  ['dostavka_kurier', 'Доставка курьером'],
];

export function demoGoals(counterId: number): Goal[] {
  const goals: Goal[] = GOALS.map(([identifier, name], i) => ({
    id: 3_100_000 + (counterId % 1000) * 10 + i,
    name,
    identifier,
    goal_type: 'action',
  }));
  goals.push({ id: 3_200_000 + (counterId % 1000), name: 'Страница «Контакты»', identifier: null, goal_type: 'url' });
  return goals;
}

export interface DemoFile {
  path: string;
  fileName: string;
  format: string;
  encoding: string;
  delimiter: string | null;
  sheets: string[];
  headers: string[];
  rows: number;
  kind: UploadKind;
  kindConfidence: number;
  size: number;
  cell: (line: number) => string[];
}

const FIRST = ['Иван', 'Ольга', 'Сергей', 'Мария', 'Алексей', 'Наталья', 'Дмитрий', 'Елена', 'Павел', 'Анна'];
const LAST = [
  'Петров',
  'Смирнова',
  'Иванов',
  'Кузнецова',
  'Соколов',
  'Попова',
  'Лебедев',
  'Новикова',
  'Морозов',
  'Волкова',
];
const STATUSES: Array<[string, number]> = [
  ['Оплачен', 640],
  ['В работе', 301],
  ['Новый', 148],
  ['Отменён', 97],
  ['Спам', 28],
];
const TRANSLIT: Record<string, string> = {
  Иван: 'ivan',
  Ольга: 'olga',
  Сергей: 'sergey',
  Мария: 'maria',
  Алексей: 'alexey',
  Наталья: 'natalia',
  Дмитрий: 'dmitry',
  Елена: 'elena',
  Павел: 'pavel',
  Анна: 'anna',
};

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export const CRM_FILE: DemoFile = {
  path: '/home/demo/Документы/Заказы из CRM, ноябрь.csv',
  fileName: 'Заказы из CRM, ноябрь.csv',
  format: 'csv',
  encoding: 'windows-1251',
  delimiter: ';',
  sheets: [],
  headers: [
    'Номер заказа',
    'Дата создания',
    'Клиент',
    'Телефон',
    'E-mail',
    'ClientID',
    'Статус',
    'Сумма',
    'Валюта',
    'Менеджер',
  ],
  rows: 1214,
  kind: 'simple-orders',
  kindConfidence: 0.86,
  size: 187_340,
  cell: (line) => {
    const i = line - 2;
    const first = FIRST[i % 10] ?? 'Иван';
    const last = LAST[(i * 7) % 10] ?? 'Петров';
    const status =
      STATUSES[i % 7 === 3 ? 1 : i % 11 === 5 ? 3 : i % 29 === 7 ? 4 : i % 9 === 2 ? 2 : 0]?.[0] ?? 'Оплачен';
    const sum = 1_500 + ((i * 7_919) % 48_000);
    return [
      `A-${10_200 + i}`,
      `${pad(1 + (i % 21))}.11.2026 ${pad(9 + (i % 10))}:${pad((i * 13) % 60)}`,
      `${first} ${last}`,
      `+7 (9${pad(10 + (i % 80))}) ${100 + (i % 900)}-${pad(i % 100)}-${pad((i * 3) % 100)}`,
      i % 4 === 1 ? '' : `${TRANSLIT[first] ?? 'client'}.${i}@example.ru`,
      i % 3 === 0 ? '' : `17${String(3_114_587_000_000_000 + i * 7_001).padStart(17, '0')}`,
      status,
      `${Math.floor(sum / 1000)} ${String(sum % 1000).padStart(3, '0')},${pad((i * 37) % 100)}`,
      'RUB',
      ['Кира', 'Антон', 'Вера'][i % 3] ?? 'Кира',
    ];
  },
};

export const CONVERSIONS_FILE: DemoFile = {
  path: '/home/demo/Документы/Оплаты в магазине.xlsx',
  fileName: 'Оплаты в магазине.xlsx',
  format: 'xlsx',
  encoding: 'UTF-8',
  delimiter: null,
  sheets: ['Оплаты', 'Справка'],
  headers: ['ClientID', 'Цель', 'Дата и время', 'Сумма', 'Валюта'],
  rows: 386,
  kind: 'conversions',
  kindConfidence: 0.93,
  size: 41_212,
  cell: (line) => {
    const i = line - 2;
    return [
      `17${String(3_214_587_000_000_000 + i * 9_113).padStart(17, '0')}`,
      i % 5 === 0 ? 'dogovor_signed' : 'offline_paid',
      `${pad(1 + (i % 21))}.11.2026 ${pad(10 + (i % 9))}:${pad((i * 7) % 60)}`,
      i % 6 === 0 ? '' : String(990 + ((i * 3_137) % 25_000)),
      i % 6 === 0 ? '' : 'RUB',
    ];
  },
};

export function statusCounts(): Array<[string, number]> {
  return STATUSES;
}

/** Past uploads: at least one in every state, spread over several clients. */
export function demoHistory(counters: Counter[]): UploadSummary[] {
  const c = (i: number) => counters[i] ?? counters[0]!;
  const rows: Array<Partial<UploadSummary> & Pick<UploadSummary, 'state' | 'kind' | 'file_name' | 'rows'>> = [
    {
      state: 'processed',
      kind: 'simple-orders',
      file_name: 'Заказы из CRM, октябрь.csv',
      rows: 1_086,
      linked: 842,
      user_not_found: 231,
      goal_not_found: 0,
    },
    {
      state: 'processed',
      kind: 'conversions',
      file_name: 'Оплаты в магазине, неделя 45.xlsx',
      rows: 412,
      linked: 355,
      user_not_found: 51,
      goal_not_found: 6,
    },
    { state: 'processing', kind: 'calls', file_name: 'Звонки Calltouch 20.11.csv', rows: 233 },
    {
      state: 'linkage_failure',
      kind: 'calls',
      file_name: 'Звонки на статический номер.csv',
      rows: 58,
      linked: 0,
      user_not_found: 58,
      goal_not_found: 0,
    },
    {
      state: 'rejected',
      kind: 'conversions',
      file_name: 'Выгрузка 1С.csv',
      rows: 97,
      failure: { kind: 'message', text: 'invalid DateTime in line 4' },
    },
    { state: 'failed', kind: 'orders', file_name: 'Заказы amoCRM.csv', rows: 510 },
    { state: 'interrupted', kind: 'simple-orders', file_name: 'Заказы Битрикс24, 3 неделя.csv', rows: 2_040 },
    { state: 'sent', kind: 'contacts', file_name: 'Клиенты база.csv', rows: 3_310 },
    { state: 'sending', kind: 'conversions', file_name: 'Договоры ноябрь.csv', rows: 64 },
    { state: 'prepared', kind: 'conversions', file_name: 'Визиты в шоурум.csv', rows: 27 },
    { state: 'superseded', kind: 'simple-orders', file_name: 'Заказы Битрикс24, 2 неделя.csv', rows: 1_904 },
    {
      state: 'processed',
      kind: 'contacts',
      file_name: 'Контакты из CRM.csv',
      rows: 5_120,
      linked: 2_901,
      user_not_found: 2_219,
      goal_not_found: 0,
    },
    {
      state: 'processed',
      kind: 'simple-orders',
      file_name: 'Заказы сентябрь.csv',
      rows: 980,
      linked: 702,
      user_not_found: 278,
      goal_not_found: 0,
    },
  ];
  const counterIdx = [0, 0, 1, 1, 2, 3, 4, 5, 2, 6, 4, 7, 8];
  return rows.map((r, i) => {
    const counter = c(counterIdx[i] ?? 0);
    const created = new Date(Date.UTC(2026, 10, 21 - i * 2, 8 + (i % 8), (i * 17) % 60));
    const finished = ['prepared', 'sending'].includes(r.state) ? null : new Date(created.getTime() + 95_000);
    const valid = r.rows - (i % 4 === 1 ? 3 : 0);
    return {
      id: 100 + rows.length - i,
      tag: `mb-${(100 + rows.length - i).toString(36)}`,
      account: DEMO_LOGIN,
      counter_id: counter.id,
      counter_name: counter.name,
      server_id: ['prepared', 'sending', 'failed', 'interrupted'].includes(r.state)
        ? null
        : String(71_000_000 + i * 113),
      server_status: null,
      linked: null,
      user_not_found: null,
      goal_not_found: null,
      failure: null,
      note: null,
      valid_rows: valid,
      created_at: created.toISOString(),
      finished_at: finished ? finished.toISOString() : null,
      ...r,
    };
  });
}
