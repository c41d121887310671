import type { RiskFactorDefinition } from './index.js';

// Risk factors 9–14, each specific to one crime: 9–10 genocide, 11–12 crimes against humanity,
// 13–14 war crimes. Titles follow the Framework's own names; indicator labels are our paraphrases,
// keyed by the Framework's codes.
export const SPECIFIC_RISK_FACTORS: readonly RiskFactorDefinition[] = [
  {
    number: 9,
    kind: 'specific',
    crime: 'genocide',
    title: {
      en: 'Intergroup tensions or patterns of discrimination against protected groups',
      fr: 'Tensions intergroupes ou pratiques de discrimination à l’égard de groupes protégés',
      ar: 'التوترات بين الجماعات أو أنماط التمييز ضد الجماعات المحمية',
    },
    indicators: [
      {
        code: '9.1',
        text: {
          en: 'Discriminatory practices, policies or legislation against protected groups',
          fr: 'Pratiques, politiques ou lois discriminatoires envers des groupes protégés',
          ar: 'ممارسات أو سياسات أو تشريعات تمييزية ضد الجماعات المحمية',
        },
      },
      {
        code: '9.2',
        text: {
          en: 'Denial of a group’s existence or identity',
          fr: 'Négation de l’existence ou de l’identité d’un groupe',
          ar: 'إنكار وجود جماعة أو عناصر هويتها',
        },
      },
      {
        code: '9.3',
        text: {
          en: 'Past atrocities against groups left unpunished',
          fr: 'Atrocités passées contre des groupes restées impunies',
          ar: 'جرائم وحشية سابقة ضد جماعات بقيت دون عقاب',
        },
      },
      {
        code: '9.4',
        text: { en: 'Tensions between groups or with the State', fr: 'Tensions entre groupes ou avec l’État', ar: 'توترات بين الجماعات أو مع الدولة' },
      },
      {
        code: '9.5',
        text: {
          en: 'Other group tensions that may turn on identity',
          fr: 'Autres tensions pouvant prendre un tour identitaire',
          ar: 'توترات أخرى قد تتخذ طابعاً قومياً أو إثنياً أو عنصرياً أو دينياً',
        },
      },
      {
        code: '9.6',
        text: {
          en: 'No mechanism to handle identity tensions',
          fr: 'Aucun mécanisme pour traiter les tensions identitaires',
          ar: 'غياب آليات لمعالجة التوترات القائمة على الهوية',
        },
      },
    ],
  },
  {
    number: 10,
    kind: 'specific',
    crime: 'genocide',
    title: {
      en: 'Signs of an intent to destroy in whole or in part a protected group',
      fr: 'Signes d’une intention de détruire, en tout ou en partie, un groupe protégé',
      ar: 'دلائل على نية التدمير الكلي أو الجزئي لجماعة محمية',
    },
    indicators: [
      {
        code: '10.1',
        text: {
          en: 'Documents or statements revealing intent or incitement',
          fr: 'Documents ou déclarations révélant une intention ou une incitation',
          ar: 'وثائق أو تصريحات تكشف عن نية أو تحريض',
        },
      },
      {
        code: '10.2',
        text: {
          en: 'Targeted killing of group members',
          fr: 'Élimination physique ciblée de membres du groupe',
          ar: 'التصفية الجسدية المتعمدة لأفراد الجماعة',
        },
      },
      {
        code: '10.3',
        text: {
          en: 'Widespread or systematic violence against the group',
          fr: 'Violences généralisées ou systématiques contre le groupe',
          ar: 'عنف واسع النطاق أو منهجي ضد الجماعة',
        },
      },
      {
        code: '10.4',
        text: {
          en: 'Measures against births or transfer of children',
          fr: 'Mesures visant les naissances ou le transfert d’enfants',
          ar: 'تدابير تستهدف الإنجاب أو نقل الأطفال',
        },
      },
      {
        code: '10.5',
        text: { en: 'Dehumanising or humiliating violence', fr: 'Violences déshumanisantes ou humiliantes', ar: 'عنف يجرّد من الإنسانية أو يرمي إلى الإذلال' },
      },
      {
        code: '10.6',
        text: {
          en: 'Public euphoria at control over the group',
          fr: 'Euphorie publique face à la domination du groupe',
          ar: 'ابتهاج علني بالسيطرة على الجماعة',
        },
      },
      {
        code: '10.7',
        text: {
          en: 'Destruction of homes, livelihoods or cultural sites',
          fr: 'Destruction de logements, de moyens de subsistance ou de sites culturels',
          ar: 'تدمير المساكن أو سبل العيش أو المواقع الثقافية والدينية',
        },
      },
      {
        code: '10.8',
        text: {
          en: 'Killing of leaders or of given age groups',
          fr: 'Élimination de dirigeants ou de certaines classes d’âge',
          ar: 'تصفية القادة أو فئات عمرية بعينها',
        },
      },
      {
        code: '10.9',
        text: {
          en: 'Other conduct suggesting intent to destroy',
          fr: 'Autres comportements révélant une intention de détruire',
          ar: 'سلوكيات أخرى توحي بنية التدمير',
        },
      },
    ],
  },
  {
    number: 11,
    kind: 'specific',
    crime: 'crimes-against-humanity',
    title: {
      en: 'Signs of a widespread or systematic attack against any civilian population',
      fr: 'Signes d’une attaque généralisée ou systématique contre toute population civile',
      ar: 'دلائل على هجوم واسع النطاق أو منهجي ضد أي مجموعة من السكان المدنيين',
    },
    indicators: [
      {
        code: '11.1',
        text: {
          en: 'Patterns of violence against civilians or a group',
          fr: 'Schémas de violence contre des civils ou un groupe',
          ar: 'أنماط من العنف ضد المدنيين أو جماعة معينة',
        },
      },
      {
        code: '11.2',
        text: { en: 'More populations or areas targeted', fr: 'Davantage de populations ou de zones visées', ar: 'استهداف مزيد من السكان أو المناطق' },
      },
      {
        code: '11.3',
        text: { en: 'More frequent, varied or serious attacks', fr: 'Attaques plus fréquentes, variées ou graves', ar: 'هجمات أكثر تواتراً أو تنوعاً أو خطورة' },
      },
      {
        code: '11.4',
        text: {
          en: 'Greater organisation or coordination of violence',
          fr: 'Organisation ou coordination accrue des violences',
          ar: 'تزايد تنظيم أعمال العنف أو تنسيقها',
        },
      },
      {
        code: '11.5',
        text: { en: 'Same methods repeated across places', fr: 'Mêmes méthodes répétées en divers lieux', ar: 'تكرار الأساليب ذاتها في أماكن مختلفة' },
      },
      {
        code: '11.6',
        text: {
          en: 'Involvement of State institutions or senior officials',
          fr: 'Implication d’institutions de l’État ou de hauts responsables',
          ar: 'تورط مؤسسات الدولة أو كبار المسؤولين',
        },
      },
      {
        code: '11.7',
        text: {
          en: 'Use of significant public or private resources',
          fr: 'Recours à d’importantes ressources publiques ou privées',
          ar: 'استخدام موارد عامة أو خاصة كبيرة',
        },
      },
      {
        code: '11.8',
        text: { en: 'Mass displacement, detention or deportation', fr: 'Déplacements, détentions ou expulsions massifs', ar: 'تهجير أو احتجاز أو ترحيل جماعي' },
      },
      {
        code: '11.9',
        text: { en: 'Attacks on civilians’ means of survival', fr: 'Atteintes aux moyens de survie des civils', ar: 'استهداف مقومات بقاء المدنيين' },
      },
      {
        code: '11.10',
        text: {
          en: 'Media used to incite or justify attacks',
          fr: 'Médias utilisés pour inciter aux attaques ou les justifier',
          ar: 'استخدام وسائل الإعلام للتحريض على الهجمات أو تبريرها',
        },
      },
    ],
  },
  {
    number: 12,
    kind: 'specific',
    crime: 'crimes-against-humanity',
    title: {
      en: 'Signs of a plan or policy to attack any civilian population',
      fr: 'Signes d’un plan ou d’une politique visant à attaquer toute population civile',
      ar: 'دلائل على وجود خطة أو سياسة لمهاجمة أي مجموعة من السكان المدنيين',
    },
    indicators: [
      {
        code: '12.1',
        text: {
          en: 'Documents revealing a plan or policy to attack civilians',
          fr: 'Documents révélant un plan ou une politique d’attaque contre des civils',
          ar: 'وثائق تكشف عن خطة أو سياسة لمهاجمة المدنيين',
        },
      },
      { code: '12.2', text: { en: 'Discriminatory security procedures', fr: 'Procédures de sécurité discriminatoires', ar: 'إجراءات أمنية تمييزية' } },
      {
        code: '12.3',
        text: {
          en: 'Measures altering the make-up of the population',
          fr: 'Mesures modifiant la composition de la population',
          ar: 'تدابير تغيّر التركيبة السكانية',
        },
      },
      {
        code: '12.4',
        text: {
          en: 'Parallel or autonomous political or military structures',
          fr: 'Structures politiques ou militaires parallèles ou autonomes',
          ar: 'هياكل سياسية أو عسكرية موازية أو مستقلة',
        },
      },
      {
        code: '12.5',
        text: {
          en: 'Significant public or private resources prepared',
          fr: 'Importantes ressources publiques ou privées mobilisées',
          ar: 'تجهيز موارد عامة أو خاصة كبيرة',
        },
      },
      {
        code: '12.6',
        text: {
          en: 'Means to transport or confine large numbers',
          fr: 'Moyens de transporter ou de détenir un grand nombre de personnes',
          ar: 'وسائل لنقل أعداد كبيرة من الأشخاص أو احتجازهم',
        },
      },
      {
        code: '12.7',
        text: {
          en: 'Plans or orders from senior authorities',
          fr: 'Plans ou ordres émanant de hauts responsables',
          ar: 'خطط أو أوامر صادرة عن كبار المسؤولين',
        },
      },
      {
        code: '12.8',
        text: {
          en: 'Recruiting, training or arming perpetrators',
          fr: 'Recrutement, formation ou armement d’auteurs',
          ar: 'تجنيد الجناة أو تدريبهم أو تسليحهم',
        },
      },
      {
        code: '12.9',
        text: { en: 'Official rhetoric legitimising attacks', fr: 'Discours officiel légitimant les attaques', ar: 'خطاب رسمي يضفي الشرعية على الهجمات' },
      },
      { code: '12.10', text: { en: 'Denial or cover-up of attacks', fr: 'Déni ou dissimulation des attaques', ar: 'إنكار الهجمات أو التستر عليها' } },
      {
        code: '12.11',
        text: {
          en: 'Coordination between State and non-State perpetrators',
          fr: 'Coordination entre auteurs étatiques et non étatiques',
          ar: 'تنسيق بين جناة من الدولة ومن خارجها',
        },
      },
    ],
  },
  {
    number: 13,
    kind: 'specific',
    crime: 'war-crimes',
    title: {
      en: 'Serious threats to those protected under international humanitarian law',
      fr: 'Menaces graves contre les personnes protégées par le droit international humanitaire',
      ar: 'تهديدات خطيرة للأشخاص المحميين بموجب القانون الدولي الإنساني',
    },
    indicators: [
      {
        code: '13.1',
        text: {
          en: 'Fragmented parties or broken chains of command',
          fr: 'Parties fragmentées ou chaînes de commandement rompues',
          ar: 'تشرذم أطراف النزاع أو تفكك تسلسل القيادة',
        },
      },
      { code: '13.2', text: { en: 'Mistrust from broken commitments', fr: 'Méfiance née d’engagements non tenus', ar: 'انعدام الثقة بسبب نقض الالتزامات' } },
      { code: '13.3', text: { en: 'Growing radicalisation of the parties', fr: 'Radicalisation croissante des parties', ar: 'تزايد تطرف أطراف النزاع' } },
      {
        code: '13.4',
        text: {
          en: 'Ethnicity or religion as a test of allegiance',
          fr: 'Ethnie ou religion érigée en critère d’allégeance',
          ar: 'جعل الإثنية أو الدين معياراً للولاء',
        },
      },
      {
        code: '13.5',
        text: {
          en: 'Dehumanising the enemy or scorning its culture',
          fr: 'Déshumanisation de l’ennemi ou mépris de sa culture',
          ar: 'تجريد العدو من إنسانيته أو ازدراء ثقافته',
        },
      },
      {
        code: '13.6',
        text: {
          en: 'Measures curtailing the rights of protected persons',
          fr: 'Mesures restreignant les droits des personnes protégées',
          ar: 'تدابير تقيّد حقوق الأشخاص المحميين',
        },
      },
      {
        code: '13.7',
        text: {
          en: 'Threats or incitement against protected persons',
          fr: 'Menaces ou incitation contre les personnes protégées',
          ar: 'تهديدات أو تحريض ضد الأشخاص المحميين',
        },
      },
      {
        code: '13.8',
        text: {
          en: 'Conduct impeding supplies indispensable to survival',
          fr: 'Entraves à l’acheminement de biens indispensables à la survie',
          ar: 'عرقلة إيصال الإمدادات التي لا غنى عنها للبقاء',
        },
      },
      {
        code: '13.9',
        text: {
          en: 'Logistics to move or confine many people',
          fr: 'Logistique pour déplacer ou détenir de nombreuses personnes',
          ar: 'تجهيزات لنقل أعداد كبيرة من الأشخاص أو احتجازهم',
        },
      },
      {
        code: '13.10',
        text: {
          en: 'Prohibited weapons developed, stocked or used',
          fr: 'Armes interdites mises au point, stockées ou employées',
          ar: 'تطوير أسلحة محظورة أو تخزينها أو استخدامها',
        },
      },
      {
        code: '13.11',
        text: {
          en: 'Orders or policies contrary to humanitarian law',
          fr: 'Ordres ou politiques contraires au droit humanitaire',
          ar: 'أوامر أو سياسات مخالفة للقانون الإنساني',
        },
      },
      {
        code: '13.12',
        text: {
          en: 'Recruitment or use of children in hostilities',
          fr: 'Recrutement ou utilisation d’enfants dans les hostilités',
          ar: 'تجنيد الأطفال أو استخدامهم في الأعمال القتالية',
        },
      },
      {
        code: '13.13',
        text: {
          en: 'Civilians or protected sites used as shields',
          fr: 'Civils ou sites protégés utilisés comme boucliers',
          ar: 'استخدام المدنيين أو المواقع المحمية دروعاً',
        },
      },
    ],
  },
  {
    number: 14,
    kind: 'specific',
    crime: 'war-crimes',
    title: {
      en: 'Serious threats to humanitarian or peacekeeping operations',
      fr: 'Menaces graves contre les opérations humanitaires ou de maintien de la paix',
      ar: 'تهديدات خطيرة للعمليات الإنسانية أو عمليات حفظ السلام',
    },
    indicators: [
      {
        code: '14.1',
        text: {
          en: 'Humanitarian or peacekeeping actors seen as partial',
          fr: 'Acteurs humanitaires ou de maintien de la paix perçus comme partiaux',
          ar: 'النظر إلى الجهات الإنسانية أو قوات حفظ السلام على أنها منحازة',
        },
      },
      {
        code: '14.2',
        text: { en: 'Threats or hostile rhetoric against them', fr: 'Menaces ou discours hostiles à leur encontre', ar: 'تهديدات أو خطاب عدائي ضدها' },
      },
      {
        code: '14.3',
        text: {
          en: 'Attacks on personnel, facilities or convoys',
          fr: 'Attaques contre le personnel, les installations ou les convois',
          ar: 'هجمات على الأفراد أو المرافق أو القوافل',
        },
      },
      { code: '14.4', text: { en: 'Restrictions on movement or access', fr: 'Restrictions de circulation ou d’accès', ar: 'قيود على التنقل أو الوصول' } },
      {
        code: '14.5',
        text: { en: 'Looting or diversion of relief supplies', fr: 'Pillage ou détournement de l’aide', ar: 'نهب إمدادات الإغاثة أو تحويل وجهتها' },
      },
      {
        code: '14.6',
        text: {
          en: 'Misuse of protective emblems or UN insignia',
          fr: 'Usage abusif des emblèmes protecteurs ou des insignes de l’ONU',
          ar: 'إساءة استخدام الشارات الحامية أو شارات الأمم المتحدة',
        },
      },
      {
        code: '14.7',
        text: { en: 'No security guarantees from the parties', fr: 'Absence de garanties de sécurité des parties', ar: 'غياب ضمانات أمنية من أطراف النزاع' },
      },
      { code: '14.8', text: { en: 'Consent to operations withdrawn', fr: 'Retrait du consentement aux opérations', ar: 'سحب الموافقة على العمليات' } },
      {
        code: '14.9',
        text: {
          en: 'Impunity for past attacks on these operations',
          fr: 'Impunité des attaques passées contre ces opérations',
          ar: 'الإفلات من العقاب على هجمات سابقة ضد هذه العمليات',
        },
      },
      {
        code: '14.10',
        text: {
          en: 'Armed or criminal groups preying on aid',
          fr: 'Groupes armés ou criminels s’en prenant à l’aide',
          ar: 'جماعات مسلحة أو إجرامية تستهدف المساعدات',
        },
      },
    ],
  },
];
