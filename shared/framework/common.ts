import type { RiskFactorDefinition } from './index.js';

// Risk factors 1–8, common to all atrocity crimes. Titles follow the Framework's own names; the
// indicator labels are short paraphrases of ours, keyed by the Framework's codes so assessments can
// cite them.
export const COMMON_RISK_FACTORS: readonly RiskFactorDefinition[] = [
  {
    number: 1,
    kind: 'common',
    crime: null,
    title: {
      en: 'Situations of armed conflict or other forms of instability',
      fr: 'Situations de conflit armé ou autres formes d’instabilité',
      ar: 'حالات النزاع المسلح أو غيرها من أشكال عدم الاستقرار',
    },
    indicators: [
      {
        code: '1.1',
        text: {
          en: 'International or non-international armed conflict',
          fr: 'Conflit armé international ou non international',
          ar: 'نزاع مسلح دولي أو غير دولي',
        },
      },
      {
        code: '1.2',
        text: {
          en: 'Security crisis (broken peace deals, nearby wars, terrorism)',
          fr: 'Crise sécuritaire (accords de paix rompus, guerres voisines, terrorisme)',
          ar: 'أزمة أمنية (انهيار اتفاقات السلام، نزاعات مجاورة، إرهاب)',
        },
      },
      { code: '1.3', text: { en: 'Humanitarian crisis or emergency', fr: 'Crise ou urgence humanitaire', ar: 'أزمة أو حالة طوارئ إنسانية' } },
      {
        code: '1.4',
        text: { en: 'Abrupt or irregular change of regime', fr: 'Changement brutal ou irrégulier de régime', ar: 'تغيير مفاجئ أو غير نظامي لنظام الحكم' },
      },
      {
        code: '1.5',
        text: {
          en: 'Power struggles or rising armed or radical opposition',
          fr: 'Luttes de pouvoir ou montée d’une opposition armée ou radicale',
          ar: 'صراعات على السلطة أو تصاعد معارضة مسلحة أو متطرفة',
        },
      },
      {
        code: '1.6',
        text: {
          en: 'Autocratic rule or severe political repression',
          fr: 'Régime autocratique ou répression politique sévère',
          ar: 'حكم استبدادي أو قمع سياسي شديد',
        },
      },
      {
        code: '1.7',
        text: {
          en: 'Scarce resources or disputes over them',
          fr: 'Rareté des ressources ou différends sur leur exploitation',
          ar: 'شح الموارد أو النزاعات على استغلالها',
        },
      },
      { code: '1.8', text: { en: 'Severe national economic crisis', fr: 'Crise grave de l’économie nationale', ar: 'أزمة حادة في الاقتصاد الوطني' } },
      {
        code: '1.9',
        text: {
          en: 'Acute poverty, mass unemployment or deep inequality',
          fr: 'Pauvreté aiguë, chômage massif ou fortes inégalités',
          ar: 'فقر مدقع أو بطالة واسعة أو تفاوتات عميقة',
        },
      },
      {
        code: '1.10',
        text: {
          en: 'Mass protest or resistance against the State',
          fr: 'Contestation massive de l’autorité de l’État',
          ar: 'احتجاجات واسعة أو مقاومة لسلطة الدولة',
        },
      },
      { code: '1.11', text: { en: 'Identity-based exclusion or tensions', fr: 'Exclusion ou tensions identitaires', ar: 'إقصاء أو توترات قائمة على الهوية' } },
    ],
  },
  {
    number: 2,
    kind: 'common',
    crime: null,
    title: {
      en: 'Record of serious violations of international human rights and humanitarian law',
      fr: 'Antécédents de violations graves du droit international des droits de l’homme et du droit international humanitaire',
      ar: 'سجل الانتهاكات الجسيمة للقانون الدولي لحقوق الإنسان والقانون الدولي الإنساني',
    },
    indicators: [
      { code: '2.1', text: { en: 'Serious violations, past or present', fr: 'Violations graves, passées ou présentes', ar: 'انتهاكات جسيمة سابقة أو حالية' } },
      {
        code: '2.2',
        text: {
          en: 'Past atrocity crimes or incitement to them',
          fr: 'Atrocités criminelles passées ou incitation à les commettre',
          ar: 'جرائم وحشية سابقة أو التحريض عليها',
        },
      },
      {
        code: '2.3',
        text: {
          en: 'Impunity for or tolerance of violations',
          fr: 'Impunité ou tolérance à l’égard des violations',
          ar: 'الإفلات من العقاب على الانتهاكات أو التسامح معها',
        },
      },
      {
        code: '2.4',
        text: {
          en: 'Failure to act against foreseeable violations',
          fr: 'Inaction face à des violations prévisibles ou en cours',
          ar: 'التقاعس عن وقف انتهاكات متوقعة أو جارية',
        },
      },
      {
        code: '2.5',
        text: {
          en: 'Continued support to groups implicated in violations',
          fr: 'Soutien continu à des groupes impliqués dans des violations',
          ar: 'استمرار دعم جماعات متورطة في الانتهاكات',
        },
      },
      { code: '2.6', text: { en: 'Justification or denial of violations', fr: 'Justification ou déni des violations', ar: 'تبرير الانتهاكات أو إنكارها' } },
      {
        code: '2.7',
        text: {
          en: 'Absent or politicised transitional justice',
          fr: 'Justice transitionnelle absente ou politisée',
          ar: 'غياب العدالة الانتقالية أو تسييسها',
        },
      },
      {
        code: '2.8',
        text: { en: 'Widespread mistrust born of impunity', fr: 'Méfiance généralisée née de l’impunité', ar: 'انعدام ثقة واسع ناجم عن الإفلات من العقاب' },
      },
    ],
  },
  {
    number: 3,
    kind: 'common',
    crime: null,
    title: { en: 'Weakness of State structures', fr: 'Faiblesse des structures de l’État', ar: 'ضعف هياكل الدولة' },
    indicators: [
      { code: '3.1', text: { en: 'Inadequate legal protection', fr: 'Protection juridique insuffisante', ar: 'حماية قانونية قاصرة' } },
      {
        code: '3.2',
        text: {
          en: 'Under-resourced or unrepresentative institutions',
          fr: 'Institutions sous-dotées ou peu représentatives',
          ar: 'مؤسسات تفتقر إلى الموارد أو إلى التمثيل الكافي',
        },
      },
      { code: '3.3', text: { en: 'No independent, impartial judiciary', fr: 'Absence de justice indépendante et impartiale', ar: 'غياب قضاء مستقل ونزيه' } },
      {
        code: '3.4',
        text: {
          en: 'No effective civilian control of security forces',
          fr: 'Absence de contrôle civil effectif des forces de sécurité',
          ar: 'غياب الرقابة المدنية الفعلية على قوات الأمن',
        },
      },
      { code: '3.5', text: { en: 'High corruption or poor governance', fr: 'Corruption élevée ou mauvaise gouvernance', ar: 'فساد مرتفع أو سوء إدارة الحكم' } },
      {
        code: '3.6',
        text: {
          en: 'Weak oversight, accountability and redress',
          fr: 'Contrôle, responsabilité et recours insuffisants',
          ar: 'ضعف آليات الرقابة والمساءلة والانتصاف',
        },
      },
      {
        code: '3.7',
        text: {
          en: 'Little training in human rights and humanitarian law',
          fr: 'Peu de formation aux droits de l’homme et au droit humanitaire',
          ar: 'قلة التدريب على حقوق الإنسان والقانون الإنساني',
        },
      },
      {
        code: '3.8',
        text: {
          en: 'Warfare not kept within humanitarian law',
          fr: 'Méthodes de guerre non conformes au droit humanitaire',
          ar: 'وسائل وأساليب حرب لا تراعي القانون الإنساني',
        },
      },
      {
        code: '3.9',
        text: {
          en: 'No resources for reform or institution-building',
          fr: 'Manque de ressources pour la réforme et le renforcement des institutions',
          ar: 'نقص الموارد اللازمة للإصلاح وبناء المؤسسات',
        },
      },
      {
        code: '3.10',
        text: { en: 'Insufficient means to protect populations', fr: 'Moyens insuffisants pour protéger les populations', ar: 'موارد غير كافية لحماية السكان' },
      },
    ],
  },
  {
    number: 4,
    kind: 'common',
    crime: null,
    title: { en: 'Motives or incentives', fr: 'Motivations ou incitations', ar: 'الدوافع أو الحوافز' },
    indicators: [
      {
        code: '4.1',
        text: {
          en: 'Political motives: gaining or keeping power',
          fr: 'Motifs politiques : conquête ou maintien du pouvoir',
          ar: 'دوافع سياسية: الوصول إلى السلطة أو ترسيخها',
        },
      },
      {
        code: '4.2',
        text: { en: 'Economic interests of elites or groups', fr: 'Intérêts économiques d’élites ou de groupes', ar: 'مصالح اقتصادية للنخب أو الجماعات' },
      },
      {
        code: '4.3',
        text: {
          en: 'Strategic or military interests in land or resources',
          fr: 'Intérêts stratégiques ou militaires sur des territoires ou des ressources',
          ar: 'مصالح استراتيجية أو عسكرية في الأراضي أو الموارد',
        },
      },
      {
        code: '4.4',
        text: { en: 'Aim to make an area homogeneous', fr: 'Volonté d’homogénéiser l’identité d’une zone', ar: 'السعي إلى تجانس الهوية في منطقة ما' },
      },
      {
        code: '4.5',
        text: {
          en: 'Groups seen as a threat or as disloyal',
          fr: 'Groupes perçus comme une menace ou comme déloyaux',
          ar: 'جماعات يُنظر إليها كتهديد أو كغير موالية',
        },
      },
      {
        code: '4.6',
        text: {
          en: 'Groups seen as backing armed opposition',
          fr: 'Groupes perçus comme soutenant l’opposition armée',
          ar: 'جماعات يُنظر إليها كداعمة للمعارضة المسلحة',
        },
      },
      {
        code: '4.7',
        text: {
          en: 'Supremacist or extremist identity ideology',
          fr: 'Idéologie suprémaciste ou identitaire extrémiste',
          ar: 'أيديولوجيا تفوّق أو هوية متطرفة',
        },
      },
      { code: '4.8', text: { en: 'Politicised past grievances', fr: 'Griefs passés instrumentalisés', ar: 'تسييس مظالم الماضي' } },
      {
        code: '4.9',
        text: {
          en: 'Unaddressed social trauma from past violence',
          fr: 'Traumatisme social non traité de violences passées',
          ar: 'صدمة اجتماعية لم تُعالَج من عنف سابق',
        },
      },
    ],
  },
  {
    number: 5,
    kind: 'common',
    crime: null,
    title: { en: 'Capacity to commit atrocity crimes', fr: 'Capacité de commettre des atrocités criminelles', ar: 'القدرة على ارتكاب الجرائم الوحشية' },
    indicators: [
      {
        code: '5.1',
        text: { en: 'Personnel, arms or funds available', fr: 'Personnel, armes ou fonds disponibles', ar: 'توافر الأفراد أو الأسلحة أو التمويل' },
      },
      { code: '5.2', text: { en: 'Means to move personnel and arms', fr: 'Moyens de transporter personnel et armes', ar: 'القدرة على نقل الأفراد والأسلحة' } },
      {
        code: '5.3',
        text: {
          en: 'Capacity to recruit and mobilise supporters',
          fr: 'Capacité de recruter et de mobiliser des partisans',
          ar: 'القدرة على تجنيد الأنصار وحشدهم',
        },
      },
      {
        code: '5.4',
        text: {
          en: 'Strong culture of obedience and conformity',
          fr: 'Forte culture d’obéissance et de conformisme',
          ar: 'ثقافة راسخة للطاعة والامتثال للجماعة',
        },
      },
      {
        code: '5.5',
        text: { en: 'Links with other armed forces or groups', fr: 'Liens avec d’autres forces ou groupes armés', ar: 'صلات بقوات أو جماعات مسلحة أخرى' },
      },
      {
        code: '5.6',
        text: { en: 'Businesses able to enable perpetrators', fr: 'Entreprises susceptibles d’aider les auteurs', ar: 'شركات قادرة على تمكين الجناة' },
      },
      {
        code: '5.7',
        text: {
          en: 'Backing from wealthy or influential national actors',
          fr: 'Soutien d’acteurs nationaux riches ou influents',
          ar: 'دعم من جهات وطنية ثرية أو متنفذة',
        },
      },
      { code: '5.8', text: { en: 'Support from external actors', fr: 'Soutien d’acteurs extérieurs', ar: 'دعم من جهات خارجية' } },
    ],
  },
  {
    number: 6,
    kind: 'common',
    crime: null,
    title: { en: 'Absence of mitigating factors', fr: 'Absence de facteurs atténuants', ar: 'انعدام العوامل المخففة' },
    indicators: [
      {
        code: '6.1',
        text: { en: 'Weak national civil society or media', fr: 'Société civile ou médias nationaux faibles', ar: 'ضعف المجتمع المدني أو الإعلام الوطني' },
      },
      {
        code: '6.2',
        text: {
          en: 'Little international civil society or media attention',
          fr: 'Faible attention de la société civile et des médias internationaux',
          ar: 'ضعف اهتمام المجتمع المدني والإعلام الدوليين',
        },
      },
      {
        code: '6.3',
        text: {
          en: 'Little UN, NGO or regional presence or access',
          fr: 'Présence ou accès limités de l’ONU, des ONG ou des acteurs régionaux',
          ar: 'محدودية وجود الأمم المتحدة والمنظمات غير الحكومية والجهات الإقليمية أو وصولها',
        },
      },
      {
        code: '6.4',
        text: {
          en: 'Little part in international or regional organisations',
          fr: 'Faible participation aux organisations internationales ou régionales',
          ar: 'ضعف المشاركة في المنظمات الدولية أو الإقليمية',
        },
      },
      {
        code: '6.5',
        text: {
          en: 'Isolation from other States and organisations',
          fr: 'Isolement à l’égard des autres États et organisations',
          ar: 'العزلة عن الدول والمنظمات الأخرى',
        },
      },
      {
        code: '6.6',
        text: {
          en: 'Limited cooperation with human rights mechanisms',
          fr: 'Coopération limitée avec les mécanismes des droits de l’homme',
          ar: 'تعاون محدود مع آليات حقوق الإنسان',
        },
      },
      {
        code: '6.7',
        text: {
          en: 'Parties unwilling to talk or compromise',
          fr: 'Parties peu disposées au dialogue ou aux concessions',
          ar: 'عدم استعداد الأطراف للحوار أو تقديم التنازلات',
        },
      },
      {
        code: '6.8',
        text: {
          en: 'International reluctance to help or act',
          fr: 'Réticence internationale à soutenir ou à agir',
          ar: 'تردد المجتمع الدولي في تقديم الدعم أو التحرك',
        },
      },
      {
        code: '6.9',
        text: {
          en: 'Neighbours closing borders or refusing refuge',
          fr: 'Voisins fermant leurs frontières ou refusant l’asile',
          ar: 'إغلاق دول الجوار حدودها أو رفض إيواء اللاجئين',
        },
      },
      { code: '6.10', text: { en: 'No early-warning mechanism', fr: 'Absence de mécanisme d’alerte précoce', ar: 'غياب آلية للإنذار المبكر' } },
    ],
  },
  {
    number: 7,
    kind: 'common',
    crime: null,
    title: {
      en: 'Enabling circumstances or preparatory action',
      fr: 'Circonstances favorables ou actes préparatoires',
      ar: 'الظروف المواتية أو الأعمال التحضيرية',
    },
    indicators: [
      {
        code: '7.1',
        text: {
          en: 'Emergency laws eroding fundamental rights',
          fr: 'Lois d’exception portant atteinte aux droits fondamentaux',
          ar: 'قوانين طوارئ تقوّض الحقوق الأساسية',
        },
      },
      {
        code: '7.2',
        text: {
          en: 'Key institutions suspended or interfered with',
          fr: 'Institutions clés suspendues ou entravées',
          ar: 'تعليق مؤسسات حيوية أو التدخل في عملها',
        },
      },
      {
        code: '7.3',
        text: {
          en: 'Security apparatus mobilised against groups',
          fr: 'Appareil sécuritaire mobilisé contre des groupes',
          ar: 'تعبئة الأجهزة الأمنية ضد جماعات معينة',
        },
      },
      {
        code: '7.4',
        text: {
          en: 'Large acquisitions of arms or ammunition',
          fr: 'Acquisition massive d’armes ou de munitions',
          ar: 'اقتناء كميات كبيرة من الأسلحة أو الذخائر',
        },
      },
      {
        code: '7.5',
        text: {
          en: 'Creation of, or more support to, militias or paramilitaries',
          fr: 'Création de milices ou de groupes paramilitaires, ou soutien accru',
          ar: 'إنشاء ميليشيات أو جماعات شبه عسكرية أو زيادة دعمها',
        },
      },
      {
        code: '7.6',
        text: { en: 'Communications controlled or cut off', fr: 'Moyens de communication contrôlés ou coupés', ar: 'فرض رقابة على وسائل الاتصال أو قطعها' },
      },
      {
        code: '7.7',
        text: {
          en: 'NGOs, media or international actors expelled or restricted',
          fr: 'ONG, médias ou acteurs internationaux expulsés ou entravés',
          ar: 'طرد المنظمات غير الحكومية أو وسائل الإعلام أو الجهات الدولية أو تقييد عملها',
        },
      },
      {
        code: '7.8',
        text: {
          en: 'Rising violations or discriminatory measures against groups',
          fr: 'Hausse des violations ou mesures discriminatoires contre des groupes',
          ar: 'تزايد الانتهاكات أو التدابير التمييزية ضد جماعات معينة',
        },
      },
      {
        code: '7.9',
        text: {
          en: 'Rising violence against women and children',
          fr: 'Hausse des violences contre les femmes et les enfants',
          ar: 'تزايد العنف ضد النساء والأطفال',
        },
      },
      {
        code: '7.10',
        text: {
          en: 'Forced displacement, segregation or confinement',
          fr: 'Déplacement forcé, ségrégation ou regroupement de populations',
          ar: 'التهجير القسري أو الفصل أو الاحتجاز الجماعي',
        },
      },
      {
        code: '7.11',
        text: {
          en: 'Destruction of essential goods or cultural property',
          fr: 'Destruction de biens essentiels ou de biens culturels',
          ar: 'تدمير السلع الأساسية أو الممتلكات الثقافية والدينية',
        },
      },
      {
        code: '7.12',
        text: {
          en: 'Marking of people or property by group',
          fr: 'Marquage des personnes ou des biens selon leur groupe',
          ar: 'وسم الأشخاص أو الممتلكات بحسب الانتماء',
        },
      },
      { code: '7.13', text: { en: 'Growing politicisation of identity', fr: 'Politisation croissante de l’identité', ar: 'تزايد تسييس الهوية' } },
      {
        code: '7.14',
        text: { en: 'Inflammatory rhetoric or hate speech', fr: 'Rhétorique incendiaire ou discours de haine', ar: 'خطاب تحريضي أو خطاب كراهية' },
      },
    ],
  },
  {
    number: 8,
    kind: 'common',
    crime: null,
    title: { en: 'Triggering factors', fr: 'Facteurs déclencheurs', ar: 'العوامل المحفزة' },
    indicators: [
      {
        code: '8.1',
        text: {
          en: 'Sudden deployment of security forces or start of hostilities',
          fr: 'Déploiement soudain de forces de sécurité ou début des hostilités',
          ar: 'نشر مفاجئ لقوات الأمن أو بدء الأعمال القتالية',
        },
      },
      {
        code: '8.2',
        text: {
          en: 'Spillover from conflict in neighbouring countries',
          fr: 'Débordement de conflits des pays voisins',
          ar: 'امتداد النزاعات من البلدان المجاورة',
        },
      },
      {
        code: '8.3',
        text: {
          en: 'International measures seen as threatening sovereignty',
          fr: 'Mesures internationales perçues comme menaçant la souveraineté',
          ar: 'تدابير دولية يُنظر إليها كتهديد للسيادة',
        },
      },
      {
        code: '8.4',
        text: { en: 'Abrupt or irregular transfer of power', fr: 'Transfert brutal ou irrégulier du pouvoir', ar: 'انتقال مفاجئ أو غير نظامي للسلطة' },
      },
      {
        code: '8.5',
        text: {
          en: 'Attacks on leaders or other serious violence',
          fr: 'Attaques contre des dirigeants ou autres violences graves',
          ar: 'اعتداءات على قادة أو أعمال عنف خطيرة أخرى',
        },
      },
      {
        code: '8.6',
        text: {
          en: 'Religious events or acts of religious intolerance',
          fr: 'Événements religieux ou actes d’intolérance religieuse',
          ar: 'مناسبات دينية أو أعمال تعصب ديني',
        },
      },
      {
        code: '8.7',
        text: { en: 'Acts of incitement or hate propaganda', fr: 'Actes d’incitation ou propagande haineuse', ar: 'أعمال تحريض أو دعاية للكراهية' },
      },
      {
        code: '8.8',
        text: {
          en: 'Census, elections or other events that raise tension',
          fr: 'Recensement, élections ou autres événements sources de tension',
          ar: 'تعداد سكاني أو انتخابات أو أحداث أخرى تثير التوتر',
        },
      },
      {
        code: '8.9',
        text: { en: 'Sudden economic or workforce shocks', fr: 'Chocs soudains sur l’économie ou l’emploi', ar: 'صدمات مفاجئة في الاقتصاد أو سوق العمل' },
      },
      {
        code: '8.10',
        text: {
          en: 'Discovery or exploitation of natural resources',
          fr: 'Découverte ou exploitation de ressources naturelles',
          ar: 'اكتشاف موارد طبيعية أو استغلالها',
        },
      },
      {
        code: '8.11',
        text: { en: 'Commemorations that inflame tensions', fr: 'Commémorations qui attisent les tensions', ar: 'إحياء ذكرى أحداث بما يؤجج التوترات' },
      },
      {
        code: '8.12',
        text: {
          en: 'Accountability processes seen as unfair',
          fr: 'Processus de responsabilisation perçus comme injustes',
          ar: 'إجراءات مساءلة يُنظر إليها على أنها جائرة',
        },
      },
    ],
  },
];
